using System.Text.RegularExpressions;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Deploy;

/// <summary>
/// A light lint of deploy/docker/*.Dockerfile (no Docker daemon here, so nothing is built): multi-stage, base images
/// named without a registry host (the REGISTRY build argument prefixes them), every COPY source in the repository, a
/// non-root user, the port the Kubernetes manifests use, and an entry point that the published project produces.
/// </summary>
public sealed partial class DockerfileLintTests
{
    public static TheoryData<string, string, string> Images => new()
    {
        // Dockerfile, project it publishes, port its Kubernetes Deployment uses.
        { "worker.Dockerfile", "src/InferenceServer/EnsembleGrpc.InferenceServer.csproj", "8001" },
        { "router.Dockerfile", "src/Router/EnsembleGrpc.Router.csproj", "8000" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void The_dockerfile_is_multi_stage_non_root_and_copies_only_what_the_repository_has(string dockerfile, string project, string port)
    {
        var lines = Instructions(File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "docker", dockerfile)));
        var froms = lines.Where(l => l.Keyword == "FROM").Select(l => l.Arguments.Split(' ')[0]).ToList();

        Assert.True(froms.Count >= 2, "multi-stage: an SDK stage that builds, a runtime stage that runs");
        Assert.All(froms, image => Assert.Matches(BaseImage(), image));
        Assert.EndsWith("dotnet/sdk:${DOTNET_VERSION}", froms[0], StringComparison.Ordinal);
        Assert.Matches(@"dotnet/(aspnet|runtime):\$\{DOTNET_VERSION\}$", froms[^1]);

        foreach (var copy in lines.Where(l => l.Keyword == "COPY" && !l.Arguments.StartsWith("--from", StringComparison.Ordinal)))
        {
            var parts = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToList();
            foreach (string source in parts.Take(parts.Count - 1))
            {
                string full = Path.Combine(RepoPaths.Root, source.TrimEnd('/'));
                Assert.True(File.Exists(full) || Directory.Exists(full), $"{dockerfile}: COPY source '{source}' is not in the repository");
            }
        }

        var finalStage = lines.SkipWhile(l => l.Keyword != "FROM" || !l.Arguments.StartsWith(froms[^1], StringComparison.Ordinal)).ToList();
        string user = Assert.Single(finalStage, l => l.Keyword == "USER").Arguments;
        Assert.DoesNotMatch("^(root|0)(:|$)", user);
        Assert.Contains(finalStage, l => l.Keyword == "EXPOSE" && l.Arguments.Split(' ').Contains(port));

        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, project)), $"{project} does not exist");
        Assert.Contains(lines, l => l.Keyword == "RUN" && l.Arguments.Contains($"dotnet publish {project}", StringComparison.Ordinal));
        string entry = Assert.Single(finalStage, l => l.Keyword == "ENTRYPOINT").Arguments;
        Assert.Contains($"\"{AssemblyName(project)}.dll\"", entry, StringComparison.Ordinal);
    }

    /// <summary>${REGISTRY} then a name whose first segment is no host (no dot, no port).</summary>
    [GeneratedRegex(@"^\$\{REGISTRY\}[a-z0-9_-]+/[a-z0-9._/-]+:[^\s]+$")]
    private static partial Regex BaseImage();

    private static string AssemblyName(string project)
    {
        var match = Regex.Match(File.ReadAllText(Path.Combine(RepoPaths.Root, project)), "<AssemblyName>([^<]+)</AssemblyName>");
        return match.Success ? match.Groups[1].Value : Path.GetFileNameWithoutExtension(project);
    }

    /// <summary>Instructions with continuation lines joined and comments dropped.</summary>
    private static List<(string Keyword, string Arguments)> Instructions(string text)
    {
        var joined = Regex.Replace(text, @"\\\r?\n\s*", " ");
        return joined.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2) is [var k, var a] ? (k.ToUpperInvariant(), a.Trim()) : (l.ToUpperInvariant(), ""))
            .ToList();
    }
}
