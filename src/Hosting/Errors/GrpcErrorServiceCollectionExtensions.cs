using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EnsembleGrpc.Hosting.Errors;

/// <summary>How every gRPC server of ours answers what goes wrong: bounded messages, INVALID_ARGUMENT for an unparsable request.</summary>
public static class GrpcErrorServiceCollectionExtensions
{
    /// <summary>Every gRPC service of this host sends status messages of at most 1 KiB (see <see cref="BoundedStatusInterceptor"/>).</summary>
    public static IServiceCollection AddBoundedStatusMessages(this IServiceCollection services)
    {
        services.Configure<GrpcServiceOptions>(options =>
        {
            if (!options.Interceptors.Any(i => i.Type == typeof(BoundedStatusInterceptor)))
            {
                options.Interceptors.Add<BoundedStatusInterceptor>();
            }
        });
        return services;
    }

    /// <summary>
    /// A request body that is not a valid protobuf message gets INVALID_ARGUMENT (see
    /// <see cref="RequestParsingServiceMethodProvider{TService}"/>), in place of Grpc.AspNetCore's UNKNOWN. Call after AddGrpc.
    /// </summary>
    public static IServiceCollection AddRequestParsingStatus(this IServiceCollection services)
    {
        // Grpc.AspNetCore's own binder (internal) is the one open-generic provider AddGrpc registers: replaced, or
        // every method would be bound twice.
        services.RemoveAll(typeof(IServiceMethodProvider<>));
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(RequestParsingServiceMethodProvider<>)));
        return services;
    }
}
