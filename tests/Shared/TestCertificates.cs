using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EnsembleGrpc.Tests.Shared;

/// <summary>
/// Certificates made in the test and written as PEM files to a temporary folder (deleted on dispose): a CA, a server
/// leaf for 127.0.0.1 and localhost, a client leaf, and a client leaf of an unrelated CA. ECDSA P-256, valid for a day
/// either side of now. One source file linked into each test project (tests/Shared).
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>The CA's certificate (PEM): what clients and servers are told to trust.</summary>
    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string ServerCertificateFile => Path.Combine(Directory, "server.pem");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public string ClientCertificateFile => Path.Combine(Directory, "client.pem");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    /// <summary>A client certificate issued by another CA, which the servers do not trust.</summary>
    public string StrangerCertificateFile => Path.Combine(Directory, "stranger.pem");

    public string StrangerKeyFile => Path.Combine(Directory, "stranger.key");

    public static TestCertificates Create()
    {
        string directory = Path.Combine(Path.GetTempPath(), "egcerts-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var files = new TestCertificates(directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = SelfSignedCa("CN=EnsembleGrpc test CA", caKey);
        File.WriteAllText(files.CaFile, ca.ExportCertificatePem());
        WriteLeaf(ca, "CN=127.0.0.1", serverAuth: true, files.ServerCertificateFile, files.ServerKeyFile);
        WriteLeaf(ca, "CN=router", serverAuth: false, files.ClientCertificateFile, files.ClientKeyFile);

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = SelfSignedCa("CN=Some other CA", otherKey);
        WriteLeaf(other, "CN=stranger", serverAuth: false, files.StrangerCertificateFile, files.StrangerKeyFile);
        return files;
    }

    /// <summary>The CA certificate as a collection, for a client's trust.</summary>
    public X509Certificate2Collection LoadCa()
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(CaFile);
        return collection;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }

    private static X509Certificate2 SelfSignedCa(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
    }

    private static void WriteLeaf(X509Certificate2 issuer, string subject, bool serverAuth, string certificateFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        byte[] serial = RandomNumberGenerator.GetBytes(8);
        serial[0] &= 0x7F;
        using var leaf = request.Create(issuer, now.AddHours(-1), now.AddHours(12), serial);
        File.WriteAllText(certificateFile, leaf.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}
