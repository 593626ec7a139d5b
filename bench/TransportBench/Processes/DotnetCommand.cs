namespace TransportBench.Processes;

/// <summary>How to start a .NET program: the dotnet host plus the dll, or an apphost alone.</summary>
internal sealed record DotnetCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>This very program (the driver starts its own `server` mode as a child).</summary>
    public static DotnetCommand Self()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is unknown.");
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new DotnetCommand(self, [typeof(DotnetCommand).Assembly.Location])
            : new DotnetCommand(self, []);
    }

    /// <summary>`dotnet <paramref name="dll"/>` with the dotnet host this process runs on (or dotnet from PATH).</summary>
    public static DotnetCommand ForDll(string dll)
    {
        var self = Environment.ProcessPath;
        var host = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : Executables.Find("dotnet") ?? "dotnet";
        return new DotnetCommand(host, [Path.GetFullPath(dll)]);
    }
}
