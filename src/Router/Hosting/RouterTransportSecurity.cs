using EnsembleGrpc.Hosting;
using EnsembleGrpc.Hosting.Tls;
using EnsembleGrpc.Router.Workers;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Hosting;

/// <summary>
/// The certificates of <see cref="RouterOptions"/>, loaded once (the validator has already loaded them once, so a
/// problem was reported at start-up with the option's name): the listeners' <see cref="ServerTls"/> and the worker
/// channels' <see cref="WorkerTransport"/>.
/// </summary>
public sealed class RouterTransportSecurity
{
    public RouterTransportSecurity(IOptions<RouterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        Server = string.IsNullOrEmpty(o.TlsCertificate)
            ? null
            : new ServerTls(TlsCertificates.LoadCertificate(o.TlsCertificate, o.TlsKey, o.TlsPassword));
        Workers = new WorkerTransport(new GrpcClientSettings
        {
            TrustedAuthorities = string.IsNullOrEmpty(o.WorkerCa) ? null : TlsCertificates.LoadAuthorities(o.WorkerCa),
            ClientCertificate = string.IsNullOrEmpty(o.WorkerCertificate)
                ? null
                : TlsCertificates.LoadCertificate(o.WorkerCertificate, o.WorkerKey, o.WorkerPassword),
        });
    }

    /// <summary>TLS of every listener; null: h2c.</summary>
    public ServerTls? Server { get; }

    /// <summary>How channels to workers are built.</summary>
    public WorkerTransport Workers { get; }
}
