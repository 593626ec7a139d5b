using System.Security.Cryptography.X509Certificates;

namespace EnsembleGrpc.Hosting.Tls;

/// <summary>
/// How a server listens with TLS: its certificate (with key) and, for mutual TLS, the authorities a client's
/// certificate must chain to; null <see cref="ClientAuthorities"/> asks for no client certificate.
/// </summary>
public sealed record ServerTls(X509Certificate2 Certificate, X509Certificate2Collection? ClientAuthorities = null)
{
    /// <summary>Whether clients must present a certificate issued by <see cref="ClientAuthorities"/>.</summary>
    public bool RequiresClientCertificate => ClientAuthorities is not null;
}
