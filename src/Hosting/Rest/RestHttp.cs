using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EnsembleGrpc.Hosting.Errors;
using Microsoft.AspNetCore.Http;

namespace EnsembleGrpc.Hosting.Rest;

/// <summary>HTTP plumbing the REST endpoints of the router and the workers share: bodies in, JSON and errors out.</summary>
public static class RestHttp
{
    public const string JsonContentType = "application/json";

    /// <summary>
    /// Bodies are application/json, never embedded in HTML: quotes and non-ASCII letters stay readable ('model', é)
    /// instead of \u escapes; JSON's own escapes still apply.
    /// </summary>
    public static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The whole request body in one array (the protocol message built from it refers to it, so it is never pooled).</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } length and <= int.MaxValue)
        {
            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return buffer;
        }

        using var stream = new MemoryStream();
        await request.Body.CopyToAsync(stream, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return stream.GetBuffer().AsMemory(0, (int)stream.Length);
    }

    /// <summary>
    /// An error as KServe and Triton answer it: the status and <c>{"error": "..."}</c>, the message bounded like a
    /// gRPC status message (<see cref="StatusMessages"/>).
    /// </summary>
    public static Task WriteErrorAsync(HttpResponse response, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(response);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Writer))
        {
            json.WriteStartObject();
            json.WriteString("error", StatusMessages.Bound(message));
            json.WriteEndObject();
        }

        return WriteBodyAsync(response, status, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), JsonContentType);
    }

    public static Task WriteJsonAsync<T>(HttpResponse response, T value, JsonTypeInfo<T> type)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = StatusCodes.Status200OK;
        return response.WriteAsJsonAsync(value, type, JsonContentType, response.HttpContext.RequestAborted);
    }

    /// <summary>A health answer the protocol's way: 200 for true, 400 for false, no body.</summary>
    public static void WriteVerdict(HttpResponse response, bool verdict)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = verdict ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
    }

    public static async Task WriteBodyAsync(HttpResponse response, int status, ReadOnlyMemory<byte> body, string contentType)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, response.HttpContext.RequestAborted).ConfigureAwait(false);
    }
}
