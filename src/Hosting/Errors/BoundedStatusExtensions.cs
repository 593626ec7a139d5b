using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleGrpc.Hosting.Errors;

public static class BoundedStatusExtensions
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
}
