using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Engine.Admission;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// Who a request belongs to for fair admission (<see cref="InferenceRequest.Client"/>): the connection by default,
/// or the value of <see cref="AdmissionOptions.ClientHeader"/> when that is set and the request carries it once, so
/// that a client's many connections (or the clients behind one gateway connection) are grouped as the operator says.
/// Both front ends ask here, so gRPC metadata and REST headers group alike.
/// </summary>
internal static class AdmissionClientKey
{
    /// <summary>Longest header value used as a key; a longer one falls back to the connection (a key is kept per waiting client).</summary>
    public const int MaxValueLength = 256;

    /// <summary>Prefix of header keys: Kestrel's connection ids have no colon, so the two kinds never collide.</summary>
    public const string HeaderPrefix = "header:";

    public static string Of(HttpContext context)
    {
        string? header = context.RequestServices.GetRequiredService<IOptions<AdmissionOptions>>().Value.ClientHeader;
        if (header is { Length: > 0 } && context.Request.Headers.TryGetValue(header, out var values) && values.Count == 1
            && values[0] is { Length: > 0 and <= MaxValueLength } value)
        {
            return HeaderPrefix + value;
        }

        return context.Connection.Id;
    }
}
