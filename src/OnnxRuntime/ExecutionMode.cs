namespace EnsembleGrpc.OnnxRuntime;

/// <summary>ORT's <c>ExecutionMode</c>: parallel runs independent graph branches on the inter-op pool.</summary>
public enum ExecutionMode
{
    Sequential = 0,
    Parallel = 1,
}
