using Microsoft.AspNetCore.Builder;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>Applies conventions (auth, CORS, metadata) to every method endpoint of a mapped service at once.</summary>
internal sealed class CompositeEndpointConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
{
    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var builder in builders)
        {
            builder.Add(convention);
        }
    }

    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var builder in builders)
        {
            builder.Finally(finallyConvention);
        }
    }
}
