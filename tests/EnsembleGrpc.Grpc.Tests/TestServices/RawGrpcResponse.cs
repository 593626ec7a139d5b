using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Tests.TestServices;

/// <summary>A fully read HTTP/2 response, with the gRPC parts (frames, status) picked out.</summary>
public sealed class RawGrpcResponse(HttpStatusCode httpStatus, HttpResponseHeaders headers, HttpContentHeaders contentHeaders, HttpResponseHeaders trailers, byte[] body)
{
    public HttpStatusCode HttpStatus { get; } = httpStatus;

    public HttpResponseHeaders Headers { get; } = headers;

    public HttpContentHeaders ContentHeaders { get; } = contentHeaders;

    public HttpResponseHeaders Trailers { get; } = trailers;

    public byte[] Body { get; } = body;

    /// <summary>True when the status came in the headers (no body, no trailers).</summary>
    public bool IsTrailersOnly => Headers.Contains("grpc-status");

    public StatusCode? StatusCode
    {
        get
        {
            var value = Trailer("grpc-status") ?? Header("grpc-status");
            return value is null ? null : (StatusCode)int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>grpc-message as sent (still percent-encoded).</summary>
    public string? RawMessage => Trailer("grpc-message") ?? Header("grpc-message");

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public string? Trailer(string name) => Trailers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public string? ContentType => ContentHeaders.ContentType?.ToString();

    /// <summary>The length-prefixed messages of the body; throws if the framing is broken.</summary>
    public IReadOnlyList<(bool Compressed, byte[] Payload)> Frames
    {
        get
        {
            var frames = new List<(bool, byte[])>();
            var offset = 0;
            while (offset < Body.Length)
            {
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(Body.AsSpan(offset + 1, 4));
                frames.Add((Body[offset] == 1, Body.AsSpan(offset + 5, length).ToArray()));
                offset += 5 + length;
            }

            return frames;
        }
    }

    public T Single<T>(MessageParser<T> parser)
        where T : IMessage<T> => parser.ParseFrom(Assert.Single(Frames).Payload);
}
