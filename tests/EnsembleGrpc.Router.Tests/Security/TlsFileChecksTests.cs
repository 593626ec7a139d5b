using System.Security.Cryptography.X509Certificates;
using EnsembleGrpc.Hosting.Tls;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;

namespace EnsembleGrpc.Router.Tests.Security;

/// <summary>The certificate files an operator gives: PEM pairs, PKCS#12, and the mistakes reported at start.</summary>
public sealed class TlsFileChecksTests : IDisposable
{
    private readonly TestFiles _files = new();
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose()
    {
        _files.Dispose();
        _certificates.Dispose();
    }

    [Fact]
    public void A_matching_PEM_pair_and_a_CA_bundle_pass()
    {
        var errors = new List<string>();
        TlsFileChecks.CheckPair(errors, "--tls-cert", _certificates.ServerCertificateFile, "--tls-key", _certificates.ServerKeyFile, null);
        TlsFileChecks.CheckAuthorities(errors, "--worker-ca", _certificates.CaFile);
        Assert.Empty(errors);
    }

    [Fact]
    public void A_key_of_another_certificate_a_missing_file_and_a_bundle_without_certificates_are_each_reported()
    {
        var errors = new List<string>();
        TlsFileChecks.CheckPair(errors, "--tls-cert", _certificates.ServerCertificateFile, "--tls-key", _certificates.StrangerKeyFile, null);
        TlsFileChecks.CheckPair(errors, "--worker-cert", _certificates.ClientCertificateFile, "--worker-key", Path.Combine(_files.Directory, "nope.key"), null);
        TlsFileChecks.CheckAuthorities(errors, "--worker-ca", _files.Write("empty.pem", "no certificates here"));

        Assert.Equal(3, errors.Count);
        Assert.StartsWith($"--tls-cert: cannot load '{_certificates.ServerCertificateFile}' with key '{_certificates.StrangerKeyFile}'", errors[0], StringComparison.Ordinal);
        Assert.Equal($"--worker-key: file '{Path.Combine(_files.Directory, "nope.key")}' does not exist", errors[1]);
        Assert.StartsWith("--worker-ca: cannot load", errors[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PKCS12_file_alone_with_its_password_serves_TLS()
    {
        using (var pem = X509Certificate2.CreateFromPemFile(_certificates.ServerCertificateFile, _certificates.ServerKeyFile))
        {
            File.WriteAllBytes(Path.Combine(_files.Directory, "server.pfx"), pem.Export(X509ContentType.Pkcs12, "pfx-password"));
        }

        string pfx = Path.Combine(_files.Directory, "server.pfx");
        var wrongPassword = new List<string>();
        TlsFileChecks.CheckPair(wrongPassword, "--tls-cert", pfx, "--tls-key", null, "not-it");
        Assert.StartsWith("--tls-cert: cannot load", Assert.Single(wrongPassword), StringComparison.Ordinal);

        await using var router = await SecureRouter.StartAsync(_files.Write("routing.json", SecureRouter.Routing("t")),
            ["--tls-cert", pfx, "--Router:TlsPassword", "pfx-password"]);
        using var channel = router.Tls(_certificates);
        Assert.True((await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ServerLiveAsync(new ServerLiveRequest())).Live);
    }
}
