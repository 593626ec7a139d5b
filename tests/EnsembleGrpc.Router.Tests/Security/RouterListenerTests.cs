using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Security;

/// <summary>The router's listeners on 127.0.0.1: TLS with a certificate made in the test, and the admin port of its own.</summary>
public sealed class RouterListenerTests : IDisposable
{
    private readonly TestFiles _files = new();
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose()
    {
        _files.Dispose();
        _certificates.Dispose();
    }

    [Fact]
    public async Task With_a_certificate_the_router_answers_TLS_clients_that_trust_its_CA_and_refuses_plaintext()
    {
        await using var router = await SecureRouter.StartAsync(_files.Write("routing.json", SecureRouter.Routing("t")),
            ["--tls-cert", _certificates.ServerCertificateFile, "--tls-key", _certificates.ServerKeyFile]);

        using (var tls = router.Tls(_certificates))
        {
            Assert.True((await new GRPCInferenceService.GRPCInferenceServiceClient(tls).ServerLiveAsync(new ServerLiveRequest())).Live);
            Assert.Contains("mnist", (await new RouterAdmin.RouterAdminClient(tls).GetConfigAsync(new GetConfigRequest())).ConfigJson, StringComparison.Ordinal);
        }

        using (var plain = router.Plain())
        {
            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                await new GRPCInferenceService.GRPCInferenceServiceClient(plain).ServerLiveAsync(new ServerLiveRequest(), deadline: DateTime.UtcNow.AddSeconds(10)));
            Assert.NotEqual(StatusCode.DeadlineExceeded, refused.StatusCode);
        }

        // A client that trusts only the machine's roots does not accept the test CA's certificate.
        using var untrusting = GrpcChannel.ForAddress($"https://127.0.0.1:{router.Host.Port}");
        var untrusted = await Assert.ThrowsAsync<RpcException>(async () =>
            await new GRPCInferenceService.GRPCInferenceServiceClient(untrusting).ServerLiveAsync(new ServerLiveRequest()));
        Assert.IsType<System.Security.Authentication.AuthenticationException>(untrusted.Status.DebugException?.InnerException);
    }

    [Fact]
    public async Task With_an_admin_port_admin_calls_are_served_there_only_and_the_main_port_serves_the_rest()
    {
        await using var router = await SecureRouter.StartAsync(_files.Write("routing.json", SecureRouter.Routing("t")),
            ["--admin-port", "0", "--tls-cert", _certificates.ServerCertificateFile, "--tls-key", _certificates.ServerKeyFile]);
        int adminPort = Assert.IsType<int>(router.Host.AdminPort);
        Assert.NotEqual(router.Host.Port, adminPort);

        using var main = router.Tls(_certificates);
        using var admin = router.Tls(_certificates, adminPort);
        Assert.Contains("mnist", (await new RouterAdmin.RouterAdminClient(admin).GetConfigAsync(new GetConfigRequest())).ConfigJson, StringComparison.Ordinal);
        Assert.True((await new GRPCInferenceService.GRPCInferenceServiceClient(main).ServerLiveAsync(new ServerLiveRequest())).Live);

        var adminOnMain = await Assert.ThrowsAsync<RpcException>(async () => await new RouterAdmin.RouterAdminClient(main).GetConfigAsync(new GetConfigRequest()));
        var inferenceOnAdmin = await Assert.ThrowsAsync<RpcException>(async () =>
            await new GRPCInferenceService.GRPCInferenceServiceClient(admin).ServerLiveAsync(new ServerLiveRequest()));
        Assert.Equal(StatusCode.Unimplemented, adminOnMain.StatusCode);
        Assert.Equal(StatusCode.Unimplemented, inferenceOnAdmin.StatusCode);

        // The admin listener is TLS like the main one.
        using var plainAdmin = router.Plain(adminPort);
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await new RouterAdmin.RouterAdminClient(plainAdmin).GetConfigAsync(new GetConfigRequest(), deadline: DateTime.UtcNow.AddSeconds(10)));
        Assert.NotEqual(StatusCode.DeadlineExceeded, refused.StatusCode);
    }

    [Fact]
    public async Task Without_an_admin_port_the_main_port_serves_admin_calls_as_before()
    {
        await using var router = await SecureRouter.StartAsync(_files.Write("routing.json", SecureRouter.Routing("t")), []);
        Assert.Null(router.Host.AdminPort);
        using var main = router.Plain();
        Assert.NotEmpty((await new RouterAdmin.RouterAdminClient(main).GetConfigAsync(new GetConfigRequest())).ConfigJson);
    }

    [Fact]
    public async Task A_certificate_file_that_cannot_be_loaded_is_reported_at_start_with_the_option()
    {
        string notPem = _files.Write("broken.pem", "not a certificate");
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            SecureRouter.StartAsync(_files.Write("routing.json", SecureRouter.Routing("t")), ["--tls-cert", notPem, "--tls-key", _certificates.ServerKeyFile]));
        Assert.Contains("--tls-cert: cannot load", error.Message, StringComparison.Ordinal);
    }
}
