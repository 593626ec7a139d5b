using EnsembleGrpc.Grpc.Server.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Grpc.Server;

/// <summary>Registers the gRPC server; endpoints are then added with <c>MapGrpcService</c>.</summary>
public static class GrpcServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gRPC server's services and options. Options are validated when the host starts, every error reported
    /// at once. A <see cref="TimeProvider"/> is registered (system clock) unless one already is: deadlines use it.
    /// </summary>
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var builder = services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrpcServerOptions>, GrpcServerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrpcServiceRegistry>();
        services.AddRouting();
        return services;
    }
}
