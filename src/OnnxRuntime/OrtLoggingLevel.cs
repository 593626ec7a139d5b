namespace EnsembleGrpc.OnnxRuntime;

/// <summary>ORT's <c>OrtLoggingLevel</c>: the least severe messages ORT writes (to stderr).</summary>
public enum OrtLoggingLevel
{
    Verbose = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    Fatal = 4,
}
