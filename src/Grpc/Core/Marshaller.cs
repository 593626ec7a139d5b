namespace Grpc.Core;

/// <summary>Turns messages into bytes and back, either with simple delegates or with contexts (buffer writers).</summary>
public sealed class Marshaller<T>
{
    public Marshaller(Func<T, byte[]> serializer, Func<byte[], T> deserializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(deserializer);
        Serializer = serializer;
        Deserializer = deserializer;
        ContextualSerializer = (value, context) => context.Complete(serializer(value));
        ContextualDeserializer = context => deserializer(context.PayloadAsNewBuffer());
    }

    public Marshaller(Action<T, SerializationContext> serializer, Func<DeserializationContext, T> deserializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(deserializer);
        ContextualSerializer = serializer;
        ContextualDeserializer = deserializer;
        Serializer = value =>
        {
            var context = new ArraySerializationContext();
            serializer(value, context);
            return context.GetPayload();
        };
        Deserializer = bytes => deserializer(new ArrayDeserializationContext(bytes));
    }

    public Func<T, byte[]> Serializer { get; }

    public Func<byte[], T> Deserializer { get; }

    public Action<T, SerializationContext> ContextualSerializer { get; }

    public Func<DeserializationContext, T> ContextualDeserializer { get; }

    /// <summary>Collects a payload into an array: the simple-delegate view of a contextual serializer.</summary>
    private sealed class ArraySerializationContext : SerializationContext
    {
        private System.Buffers.ArrayBufferWriter<byte>? _writer;
        private byte[]? _payload;

        public override void Complete(byte[] payload) => _payload = payload;

        public override System.Buffers.IBufferWriter<byte> GetBufferWriter() => _writer ??= new System.Buffers.ArrayBufferWriter<byte>();

        public override void Complete() => _payload = _writer?.WrittenSpan.ToArray() ?? [];

        public byte[] GetPayload() => _payload ?? throw new InvalidOperationException("Serializer did not complete.");
    }

    private sealed class ArrayDeserializationContext(byte[] payload) : DeserializationContext
    {
        public override int PayloadLength => payload.Length;

        public override byte[] PayloadAsNewBuffer() => payload;

        public override System.Buffers.ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);
    }
}
