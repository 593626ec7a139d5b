using EnsembleGrpc.Hosting.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>
/// The worker listener's TLS from <see cref="WorkerOptions"/>: none (h2c) without a certificate; with
/// <see cref="WorkerOptions.TlsClientCa"/>, mutual TLS (clients must present a certificate those authorities issued).
/// The files were loaded once by the validator, so a problem has been reported with the option's name.
/// </summary>
public static class WorkerTls
{
    public static ServerTls? Load(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        if (string.IsNullOrEmpty(options.TlsCertificate))
        {
            return null;
        }

        var certificate = TlsCertificates.LoadCertificate(options.TlsCertificate, options.TlsKey, options.TlsPassword);
        var clients = string.IsNullOrEmpty(options.TlsClientCa) ? null : TlsCertificates.LoadAuthorities(options.TlsClientCa);
        return new ServerTls(certificate, clients);
    }
}
