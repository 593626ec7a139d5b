using Microsoft.AspNetCore.Builder;

namespace EnsembleGrpc.Hosting.Errors;

/// <summary>The request pipeline's part of how our gRPC servers answer what goes wrong.</summary>
public static class GrpcErrorApplicationBuilderExtensions
{
    /// <summary>Malformed gRPC message prefixes get a definite status instead of UNKNOWN (see <see cref="GrpcMessagePrefixMiddleware"/>).</summary>
    public static IApplicationBuilder UseGrpcMessagePrefixCheck(this IApplicationBuilder app) => app.UseMiddleware<GrpcMessagePrefixMiddleware>();
}
