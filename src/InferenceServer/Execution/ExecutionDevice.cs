using System.Globalization;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>Where models run: <c>cpu</c>, <c>cuda</c> (device 0) or <c>cuda:N</c>.</summary>
public sealed record ExecutionDevice(bool IsCuda, int DeviceId)
{
    public static ExecutionDevice Cpu { get; } = new(false, 0);

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (case-insensitive); null when it is none of these.</summary>
    public static ExecutionDevice? Parse(string? text)
    {
        var value = (text ?? string.Empty).Trim().ToLowerInvariant();
        if (value == "cpu")
        {
            return Cpu;
        }

        if (value == "cuda")
        {
            return new ExecutionDevice(true, 0);
        }

        return value.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new ExecutionDevice(true, id)
            : null;
    }

    public override string ToString() => IsCuda ? $"cuda:{DeviceId}" : "cpu";
}
