using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>The catch-all for gRPC requests to a service or method nobody mapped: UNIMPLEMENTED, trailers-only.</summary>
internal sealed partial class UnimplementedCallHandler(GrpcServiceRegistry registry, ILogger logger)
{
    public Task HandleCallAsync(HttpContext httpContext)
    {
        var path = httpContext.Request.Path.Value ?? string.Empty;
        var service = ServiceNameOf(path);
        if (registry.IsKnownService(service))
        {
            Log.MethodUnimplemented(logger, path);
            GrpcResponses.WriteTrailersOnly(httpContext, StatusCodes.Status200OK, StatusCode.Unimplemented, "Method is unimplemented.");
        }
        else
        {
            Log.ServiceUnimplemented(logger, path);
            GrpcResponses.WriteTrailersOnly(httpContext, StatusCodes.Status200OK, StatusCode.Unimplemented, "Service is unimplemented.");
        }

        return Task.CompletedTask;
    }

    /// <summary>"/package.Service/Method" → "package.Service".</summary>
    private static string ServiceNameOf(string path)
    {
        var trimmed = path.AsSpan().TrimStart('/');
        var slash = trimmed.IndexOf('/');
        return (slash < 0 ? trimmed : trimmed[..slash]).ToString();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, EventName = "ServiceUnimplemented", Level = LogLevel.Information, Message = "No gRPC service is mapped for {Path}.")]
        public static partial void ServiceUnimplemented(ILogger logger, string path);

        [LoggerMessage(EventId = 31, EventName = "MethodUnimplemented", Level = LogLevel.Information, Message = "The gRPC service is mapped but has no method for {Path}.")]
        public static partial void MethodUnimplemented(ILogger logger, string path);
    }
}
