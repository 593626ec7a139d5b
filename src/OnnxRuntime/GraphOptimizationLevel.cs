namespace EnsembleGrpc.OnnxRuntime;

/// <summary>ORT's <c>GraphOptimizationLevel</c> (same values as the C API).</summary>
public enum GraphOptimizationLevel
{
    DisableAll = 0,
    Basic = 1,
    Extended = 2,
    Layout = 3,
    All = 99,
}
