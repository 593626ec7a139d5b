using EnsembleGrpc.Hosting;
using EnsembleGrpc.Hosting.Tls;
using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.InferenceServer.Tests.Hosting;

/// <summary>
/// The worker's listener with TLS on 127.0.0.1 (fake models: only the transport is under test), certificates made in
/// the test: h2 over TLS for clients that trust the CA, plaintext refused, and with --tls-client-ca a client
/// certificate of that CA required.
/// </summary>
public sealed class WorkerTlsTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly FakeRepository _repository = new("tls_model");

    public void Dispose()
    {
        _certificates.Dispose();
        _repository.Dispose();
    }

    [Fact]
    public async Task With_a_certificate_the_worker_serves_TLS_clients_and_refuses_plaintext()
    {
        await using var worker = await StartAsync("--tls-cert", _certificates.ServerCertificateFile, "--tls-key", _certificates.ServerKeyFile);

        Assert.True(await IsLiveAsync(Channel(worker.Host.Port)));
        await AssertRefusedAsync(GrpcChannel.ForAddress($"http://127.0.0.1:{worker.Host.Port}"));
    }

    [Fact]
    public async Task With_a_client_CA_the_worker_serves_only_clients_presenting_a_certificate_it_issued()
    {
        await using var worker = await StartAsync(
            "--tls-cert", _certificates.ServerCertificateFile, "--tls-key", _certificates.ServerKeyFile, "--tls-client-ca", _certificates.CaFile);
        int port = worker.Host.Port;

        await AssertRefusedAsync(Channel(port));
        await AssertRefusedAsync(Channel(port, _certificates.StrangerCertificateFile, _certificates.StrangerKeyFile));
        Assert.True(await IsLiveAsync(Channel(port, _certificates.ClientCertificateFile, _certificates.ClientKeyFile)));
    }

    [Fact]
    public async Task A_client_CA_without_a_certificate_or_a_missing_key_file_stops_the_start_with_the_options_named()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StartAsync("--tls-client-ca", _certificates.CaFile, "--tls-key", Path.Combine(_certificates.Directory, "missing.key")));
        Assert.Contains("--tls-client-ca: client certificates need TLS (--tls-cert)", error.Failures);
        Assert.Contains("--tls-key: a key needs a certificate (--tls-cert)", error.Failures);
    }

    private Task<TestWorker> StartAsync(params string[] args)
        => TestWorker.StartFakeAsync(_repository, new FakeExecutorFactory(), "tls_model", args);

    private GrpcChannel Channel(int port, string? certificate = null, string? key = null) => GrpcChannels.Create(
        $"https://127.0.0.1:{port}",
        new GrpcClientSettings
        {
            TrustedAuthorities = _certificates.LoadCa(),
            ClientCertificate = certificate is null ? null : TlsCertificates.LoadCertificate(certificate, key),
        });

    private static async Task<bool> IsLiveAsync(GrpcChannel channel)
    {
        using (channel)
        {
            return (await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ServerLiveAsync(new ServerLiveRequest())).Live;
        }
    }

    private static async Task AssertRefusedAsync(GrpcChannel channel)
    {
        using (channel)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await new GRPCInferenceService.GRPCInferenceServiceClient(channel)
                .ServerLiveAsync(new ServerLiveRequest(), deadline: DateTime.UtcNow.AddSeconds(10)));
            Assert.NotEqual(StatusCode.DeadlineExceeded, error.StatusCode);
        }
    }
}
