using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace EnsembleGrpc.Grpc.Tests.Client;

/// <summary>
/// An HttpMessageHandler that answers from a test-supplied function, with no network. Records each request and its
/// body, and can build canned gRPC responses (framed messages, trailers, trailers-only).
/// </summary>
internal sealed class FakeGrpcHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int Calls => Requests.Count;

    public static FakeGrpcHandler Returning(Func<HttpResponseMessage> response) =>
        new((_, _) => Task.FromResult(response()));

    /// <summary>A 200 response with gRPC content-type, the given framed body and trailers (grpc-status 0 unless given).</summary>
    public static HttpResponseMessage Response(byte[] body, int? grpcStatus = 0, string? grpcMessage = null, Action<HttpResponseMessage>? configure = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        if (grpcStatus is { } status)
        {
            response.TrailingHeaders.TryAddWithoutValidation("grpc-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (grpcMessage is not null)
        {
            response.TrailingHeaders.TryAddWithoutValidation("grpc-message", grpcMessage);
        }

        configure?.Invoke(response);
        return response;
    }

    /// <summary>A trailers-only response: the status in the headers, no body.</summary>
    public static HttpResponseMessage TrailersOnly(int grpcStatus, string? grpcMessage = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        response.Headers.TryAddWithoutValidation("grpc-status", grpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (grpcMessage is not null)
        {
            response.Headers.TryAddWithoutValidation("grpc-message", grpcMessage);
        }

        return response;
    }

    public static byte[] Frame(IMessage message, bool compressed = false) => Frame(message.ToByteArray(), compressed);

    public static byte[] Frame(byte[] payload, bool compressed = false)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Requests.Enqueue(new RecordedRequest(request, body));
        return await respond(request, cancellationToken);
    }

    public sealed record RecordedRequest(HttpRequestMessage Message, byte[] Body)
    {
        public string? Header(string name) =>
            Message.Headers.TryGetValues(name, out var values) ? string.Join(",", values) :
            Message.Content?.Headers.TryGetValues(name, out var contentValues) == true ? string.Join(",", contentValues) : null;
    }
}
