using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace EnsembleGrpc.Hosting.Errors;

/// <summary>
/// Grpc.AspNetCore reads a request message's 5-byte prefix before anything of ours runs, and sends two malformed
/// prefixes to the client as UNKNOWN: a length of 2 GiB or more (its IOException) and a compressed flag other than 0 or 1
/// (its InvalidDataException). This middleware peeks at the prefix of every gRPC request first, consuming nothing, and
/// answers those two at once, trailers-only: RESOURCE_EXHAUSTED, as Grpc.AspNetCore answers any length over the
/// limit, and INVALID_ARGUMENT. Every other request goes on untouched.
/// </summary>
public sealed class GrpcMessagePrefixMiddleware(RequestDelegate next)
{
    private const int PrefixLength = 5;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!IsGrpc(context.Request))
        {
            await next(context);
            return;
        }

        var reader = context.Request.BodyReader;
        var result = await reader.ReadAtLeastAsync(PrefixLength, context.RequestAborted);
        var problem = result.Buffer.Length >= PrefixLength ? Check(result.Buffer.Slice(0, PrefixLength)) : null;
        // Nothing consumed, nothing examined: Grpc.AspNetCore's first read sees the same bytes.
        reader.AdvanceTo(result.Buffer.Start);
        if (problem is { } status)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(status.Detail);
            return;
        }

        await next(context);
    }

    private static Status? Check(ReadOnlySequence<byte> prefix)
    {
        Span<byte> bytes = stackalloc byte[PrefixLength];
        prefix.CopyTo(bytes);
        if (bytes[0] > 1)
        {
            return new Status(StatusCode.InvalidArgument, $"the request message's compressed flag is {bytes[0]}; 0 or 1 is accepted");
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]);
        return length > int.MaxValue
            ? new Status(StatusCode.ResourceExhausted, $"the request message's length prefix says {length} bytes, more than the largest accepted")
            : null;
    }

    // gRPC over HTTP/2 only: gRPC-Web frames differently, and the REST port speaks JSON.
    private static bool IsGrpc(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && request.ContentType is { } type
        && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
        && !type.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase);
}
