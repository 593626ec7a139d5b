namespace Grpc.Core;

/// <summary>A stream of messages written one at a time; one write in flight at once.</summary>
public interface IAsyncStreamWriter<in T>
{
    WriteOptions? WriteOptions { get; set; }

    Task WriteAsync(T message);
}
