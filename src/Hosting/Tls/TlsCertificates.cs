using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EnsembleGrpc.Hosting.Tls;

/// <summary>
/// Loads the certificate files the servers and the router's worker client are configured with: a PEM certificate with
/// its PEM key (optionally encrypted), or a PKCS#12 (.pfx/.p12) file holding both; and PEM bundles of certificate
/// authorities that peers' certificates must chain to.
/// </summary>
public static class TlsCertificates
{
    /// <summary>Extended key usage "TLS web client authentication".</summary>
    public const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// A certificate with its private key. <paramref name="keyFile"/> empty: <paramref name="certificateFile"/> is a
    /// PKCS#12 file; otherwise both are PEM. <paramref name="password"/> decrypts the PKCS#12 file or the PEM key.
    /// </summary>
    /// <exception cref="CryptographicException">The files cannot be read as a certificate and its key.</exception>
    public static X509Certificate2 LoadCertificate(string certificateFile, string? keyFile, string? password = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificateFile);
        if (string.IsNullOrEmpty(keyFile))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(certificateFile, password);
        }

        using var pem = string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(certificateFile, keyFile)
            : X509Certificate2.CreateFromEncryptedPemFile(certificateFile, password, keyFile);
        // A PEM key is ephemeral; SslStream on Windows needs a key it can persist, so round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Every certificate of a PEM bundle (the authorities a peer's certificate must chain to).</summary>
    /// <exception cref="CryptographicException">The file holds no certificate or cannot be read as PEM.</exception>
    public static X509Certificate2Collection LoadAuthorities(string pemFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(pemFile);
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(pemFile);
        if (authorities.Count == 0)
        {
            throw new CryptographicException($"'{pemFile}' holds no PEM certificate.");
        }

        return authorities;
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/> (and only them: the
    /// machine's roots are not consulted), is within its validity period and, when <paramref name="purposeOid"/> is
    /// given, allows that purpose. Revocation is not checked: these are private authorities without CRLs.
    /// </summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2Collection authorities, string? purposeOid = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(authorities);
        using var chain = new X509Chain { ChainPolicy = ChainPolicy(authorities) };
        if (purposeOid is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(purposeOid));
        }

        try
        {
            return chain.Build(certificate);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    /// <summary>A chain policy that trusts <paramref name="authorities"/> alone, without revocation checks.</summary>
    public static X509ChainPolicy ChainPolicy(X509Certificate2Collection authorities)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(authorities);
        return policy;
    }
}
