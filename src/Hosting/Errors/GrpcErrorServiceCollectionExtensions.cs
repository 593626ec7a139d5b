using System.IO.Compression;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.Net.Compression;
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
    /// <see cref="RequestParsingServiceMethodProvider{TService}"/>), in place of Grpc.AspNetCore's UNKNOWN, and so does
    /// a compressed message that cannot be decompressed; one that decompresses past the largest message accepted is
    /// RESOURCE_EXHAUSTED (see <see cref="CheckedDecompressionProvider"/>). Call after AddGrpc.
    /// </summary>
    public static IServiceCollection AddRequestParsingStatus(this IServiceCollection services)
    {
        // After every Configure, so that the size limit is the one in effect and the providers are the final ones
        // (Grpc.AspNetCore's defaults, gzip and deflate, when none were set).
        services.PostConfigure<GrpcServiceOptions>(options =>
        {
            long limit = options.MaxReceiveMessageSize ?? int.MaxValue;
            ICompressionProvider[] providers = options.CompressionProviders.Count > 0
                ? [.. options.CompressionProviders]
                : [new GzipCompressionProvider(CompressionLevel.Fastest), new DeflateCompressionProvider(CompressionLevel.Fastest)];
            options.CompressionProviders.Clear();
            foreach (var provider in providers)
            {
                options.CompressionProviders.Add(provider is CheckedDecompressionProvider ? provider : new CheckedDecompressionProvider(provider, limit));
            }
        });

        // Grpc.AspNetCore's own binder (internal) is the one open-generic provider AddGrpc registers: replaced, or
        // every method would be bound twice.
        services.RemoveAll(typeof(IServiceMethodProvider<>));
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(RequestParsingServiceMethodProvider<>)));
        return services;
    }
}
