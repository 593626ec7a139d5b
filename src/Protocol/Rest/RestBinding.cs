namespace EnsembleGrpc.Protocol.Rest;

/// <summary>Names the REST binding and its binary tensor data extension use on the wire (KServe v2, Triton).</summary>
public static class RestBinding
{
    /// <summary>Request and response header: the length of the JSON part; binary tensor data follows it.</summary>
    public const string HeaderContentLength = "Inference-Header-Content-Length";

    /// <summary>Tensor parameter: the tensor's bytes follow the JSON part, this many.</summary>
    public const string BinaryDataSize = "binary_data_size";

    /// <summary>Requested output parameter: answer this output as binary data.</summary>
    public const string BinaryData = "binary_data";

    /// <summary>Request parameter: answer every output as binary data.</summary>
    public const string BinaryDataOutput = "binary_data_output";

    public const string JsonContentType = "application/json";

    /// <summary>Content type of a body with binary tensor data (JSON part first).</summary>
    public const string BinaryContentType = "application/octet-stream";
}
