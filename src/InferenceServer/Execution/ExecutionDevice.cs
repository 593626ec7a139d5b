using System.Globalization;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>Where models run: <c>auto</c>, <c>cpu</c>, <c>cuda</c> (device 0) or <c>cuda:N</c>.</summary>
public sealed record ExecutionDevice(ExecutionDeviceKind Kind, int DeviceId)
{
    /// <summary>The accepted forms, for messages.</summary>
    public const string AcceptedForms = "auto, cpu, cuda or cuda:N (N = GPU index, 0 or more)";

    public static ExecutionDevice Auto { get; } = new(ExecutionDeviceKind.Auto, 0);

    public static ExecutionDevice Cpu { get; } = new(ExecutionDeviceKind.Cpu, 0);

    /// <summary>True when CUDA is tried first (<c>auto</c>, <c>cuda</c>, <c>cuda:N</c>).</summary>
    public bool TriesCuda => Kind != ExecutionDeviceKind.Cpu;

    /// <summary>Parses <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (case-insensitive); null when it is none of these.</summary>
    public static ExecutionDevice? Parse(string? text)
    {
        var value = (text ?? string.Empty).Trim().ToLowerInvariant();
        switch (value)
        {
            case "auto":
                return Auto;
            case "cpu":
                return Cpu;
            case "cuda":
                return new ExecutionDevice(ExecutionDeviceKind.Cuda, 0);
        }

        return value.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new ExecutionDevice(ExecutionDeviceKind.Cuda, id)
            : null;
    }

    public override string ToString() => Kind switch
    {
        ExecutionDeviceKind.Auto => "auto",
        ExecutionDeviceKind.Cpu => "cpu",
        _ => $"cuda:{DeviceId}",
    };
}
