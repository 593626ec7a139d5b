using EnsembleGrpc.Hosting;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;

namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>
/// Server reflection on a real worker and a real router, as grpcurl uses it (grpc.reflection.v1alpha): listing the
/// services and describing the inference service from the descriptor the server sends.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class ReflectionTests(ServingCluster cluster)
{
    [Fact]
    public async Task The_worker_lists_the_inference_health_and_reflection_services()
    {
        var services = await ListAsync(cluster.WorkerPort);
        Assert.Contains("inference.GRPCInferenceService", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", services);
    }

    [Fact]
    public async Task The_router_lists_the_inference_admin_and_health_services()
    {
        var services = await ListAsync(cluster.RouterPort);
        Assert.Contains("inference.GRPCInferenceService", services);
        Assert.Contains("ensemblegrpc.router.RouterAdmin", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task The_router_describes_the_inference_service_by_symbol()
    {
        var response = await AskAsync(cluster.RouterPort, new ServerReflectionRequest { FileContainingSymbol = "inference.GRPCInferenceService" });
        var files = FileDescriptor.BuildFromByteStrings(response.FileDescriptorResponse.FileDescriptorProto.Reverse());
        var service = files.SelectMany(f => f.Services).Single(s => s.FullName == "inference.GRPCInferenceService");
        Assert.Contains("ModelInfer", service.Methods.Select(m => m.Name));
        Assert.Contains("ServerReady", service.Methods.Select(m => m.Name));
    }

    private static async Task<string[]> ListAsync(int port)
    {
        var response = await AskAsync(port, new ServerReflectionRequest { ListServices = "" });
        return [.. response.ListServicesResponse.Service.Select(s => s.Name)];
    }

    private static async Task<ServerReflectionResponse> AskAsync(int port, ServerReflectionRequest request)
    {
        using var channel = GrpcChannels.Create($"http://127.0.0.1:{port}");
        var client = new ServerReflection.ServerReflectionClient(channel);
        using var call = client.ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "no reflection response");
        var response = call.ResponseStream.Current;
        Assert.NotEqual(ServerReflectionResponse.MessageResponseOneofCase.ErrorResponse, response.MessageResponseCase);
        return response;
    }
}
