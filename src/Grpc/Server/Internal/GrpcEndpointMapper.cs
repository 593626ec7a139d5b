using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>Turns each bound method into a POST endpoint at its :path ("/package.Service/Method").</summary>
internal sealed class GrpcEndpointMapper(IEndpointRouteBuilder endpoints, GrpcServerRuntime runtime, GrpcServiceRegistry registry)
{
    private readonly List<IEndpointConventionBuilder> _builders = [];
    private readonly HttpMethodMetadata _postOnly = new([HttpMethods.Post]);

    public GrpcServerRuntime Runtime => runtime;

    public IEndpointConventionBuilder ConventionBuilder => new CompositeEndpointConventionBuilder(_builders.ToArray());

    public void Map(IMethod method, RequestDelegate handler)
    {
        registry.AddService(method.ServiceName);
        // A plain RequestDelegate: no minimal-API parameter binding on the hot path.
        var builder = endpoints.Map(method.FullName, handler)
            .WithMetadata(_postOnly, method)
            .WithDisplayName("gRPC - " + method.FullName);
        _builders.Add(builder);
    }
}
