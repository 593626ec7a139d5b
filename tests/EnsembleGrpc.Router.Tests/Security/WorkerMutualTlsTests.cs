using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Router.Workers;
using EnsembleGrpc.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleGrpc.Router.Tests.Security;

/// <summary>
/// Mutual TLS between the router and a real worker on 127.0.0.1: the worker requires a client certificate issued by
/// the test CA; a router without one is refused, a router presenting one is served over https://.
/// </summary>
public sealed class WorkerMutualTlsTests : IDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private readonly TestFiles _files = new();
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose()
    {
        _files.Dispose();
        _certificates.Dispose();
    }

    [Fact]
    public async Task A_worker_requiring_client_certificates_refuses_a_router_without_one_and_serves_a_router_with_one()
    {
        await using var worker = await InProcessWorker.StartAsync("mnist_cnn_1",
            "--tls-cert", _certificates.ServerCertificateFile, "--tls-key", _certificates.ServerKeyFile, "--tls-client-ca", _certificates.CaFile);
        string endpoint = $"https://127.0.0.1:{worker.Port}";
        string routing = _files.Write("routing.json", SecureRouter.Routing("t", endpoint));

        await using (var anonymous = await SecureRouter.StartAsync(routing, ["--worker-ca", _certificates.CaFile], realWorkers: true))
        {
            var probe = await Probe(anonymous, endpoint);
            Assert.False(probe.Ready, "a router without a client certificate was served");
        }

        await using (var stranger = await SecureRouter.StartAsync(routing,
            ["--worker-ca", _certificates.CaFile, "--worker-cert", _certificates.StrangerCertificateFile, "--worker-key", _certificates.StrangerKeyFile], realWorkers: true))
        {
            Assert.False((await Probe(stranger, endpoint)).Ready, "a client certificate of another CA was accepted");
        }

        await using var trusted = await SecureRouter.StartAsync(routing,
            ["--worker-ca", _certificates.CaFile, "--worker-cert", _certificates.ClientCertificateFile, "--worker-key", _certificates.ClientKeyFile], realWorkers: true);
        var ready = await Probe(trusted, endpoint);
        Assert.True(ready.Ready, ready.Reason);

        using var channel = trusted.Plain();
        var response = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelInferAsync(InferenceCalls.Fp32("mnist", new float[28 * 28], 1));
        Assert.Single(InferenceCalls.Predictions(response));
        Assert.False(InferenceCalls.Fallback(response));
    }

    [Fact]
    public async Task A_router_that_does_not_trust_the_workers_CA_is_not_served()
    {
        await using var worker = await InProcessWorker.StartAsync("mnist_cnn_1", "--tls-cert", _certificates.ServerCertificateFile, "--tls-key", _certificates.ServerKeyFile);
        string endpoint = $"https://127.0.0.1:{worker.Port}";
        string routing = _files.Write("routing.json", SecureRouter.Routing("t", endpoint));

        await using (var untrusting = await SecureRouter.StartAsync(routing, [], realWorkers: true))
        {
            Assert.False((await Probe(untrusting, endpoint)).Ready, "a worker certificate of an unknown CA was accepted");
        }

        // TLS without client certificates: trusting the CA is enough.
        await using var trusting = await SecureRouter.StartAsync(routing, ["--worker-ca", _certificates.CaFile], realWorkers: true);
        var ready = await Probe(trusting, endpoint);
        Assert.True(ready.Ready, ready.Reason);
    }

    private static Task<WorkerReadiness> Probe(SecureRouter router, string endpoint)
        => router.Host.Services.GetRequiredService<IWorkerClient>().ProbeReadyAsync(endpoint, "mnist_cnn_1", "", ProbeTimeout, CancellationToken.None);
}
