using System.Text.RegularExpressions;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Architecture;

/// <summary>
/// The router's folders depend one way (README.md, "the router's folders"): only the edges (Frontend in, Workers out,
/// Hosting) know the protocol, and the engine's inner folders do not reach back out. A change that breaks this fails
/// here, naming the file and the import.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private static readonly string[] ProtocolNamespaces = ["Grpc.Core", "Grpc.Net", "Google.Protobuf", "EnsembleGrpc.Protocol"];

    [Theory]
    [InlineData("Engine")]
    [InlineData("Ensemble")]
    [InlineData("Traffic")]
    [InlineData("Resilience")]
    [InlineData("Configuration")]
    [InlineData("Model")]
    [InlineData("Experiments")]
    [InlineData("Preprocessing")]
    [InlineData("Rollouts")]
    public void Engine_folders_use_no_protocol_types(string folder)
    {
        var offences = Imports(folder).Where(i => ProtocolNamespaces.Any(p => i.Import.StartsWith(p, StringComparison.Ordinal))).ToArray();

        Assert.True(offences.Length == 0, string.Join("\n", offences.Select(o => $"{o.File}: using {o.Import}")));
    }

    [Theory]
    [InlineData("Ensemble", "Configuration")]
    [InlineData("Ensemble", "Traffic")]
    [InlineData("Ensemble", "Engine")]
    [InlineData("Ensemble", "Workers")]
    [InlineData("Model", "Configuration")]
    [InlineData("Model", "Engine")]
    [InlineData("Traffic", "Engine")]
    [InlineData("Resilience", "Engine")]
    [InlineData("Engine", "Frontend")]
    [InlineData("Rollouts", "Frontend")]
    [InlineData("Rollouts", "Engine")]
    [InlineData("Rollouts", "Hosting")]
    [InlineData("Workers", "Engine")]
    public void Inner_folders_do_not_reach_outward(string folder, string forbidden)
    {
        string ns = $"EnsembleGrpc.Router.{forbidden}";
        var offences = Imports(folder).Where(i => i.Import == ns || i.Import.StartsWith(ns + ".", StringComparison.Ordinal)).ToArray();

        Assert.True(offences.Length == 0, string.Join("\n", offences.Select(o => $"{o.File}: using {o.Import}")));
    }

    private static IEnumerable<(string File, string Import)> Imports(string folder)
    {
        string root = Path.Combine(RepoPaths.Root, "src", "Router", folder);
        Assert.True(Directory.Exists(root), $"no folder {root}");
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match match in UsingLine().Matches(File.ReadAllText(file)))
            {
                yield return (Path.GetRelativePath(RepoPaths.Root, file), match.Groups[1].Value);
            }
        }
    }

    [GeneratedRegex(@"^using\s+(?:static\s+)?([A-Za-z0-9_.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingLine();
}
