namespace TransportBench.Processes;

/// <summary>The exit code and the whole output of a tool run to its end.</summary>
internal sealed record ToolResult(int ExitCode, string Stdout, string Stderr);
