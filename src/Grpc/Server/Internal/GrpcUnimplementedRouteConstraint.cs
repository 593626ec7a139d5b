using EnsembleGrpc.Grpc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>
/// Lets the UNIMPLEMENTED catch-all match only gRPC requests (POST with a gRPC content-type), so the host's other
/// requests still get its own 404/405 instead of a gRPC status.
/// </summary>
internal sealed class GrpcUnimplementedRouteConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        routeDirection == RouteDirection.IncomingRequest
        && httpContext is not null
        && HttpMethods.IsPost(httpContext.Request.Method)
        && GrpcProtocolConstants.IsGrpcContentType(httpContext.Request.ContentType);
}
