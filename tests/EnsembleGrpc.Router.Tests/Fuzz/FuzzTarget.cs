using System.Globalization;
using EnsembleGrpc.Datasets;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;

namespace EnsembleGrpc.Router.Tests.Fuzz;

/// <summary>A server process under fuzz: its port, the model it serves, a typed client, and its resident memory.</summary>
internal sealed class FuzzTarget(string name, ServerProcess process, int port, string model, GRPCInferenceService.GRPCInferenceServiceClient client)
{
    private static readonly float[] Images = EgdsDataset.Load(Path.Combine(RepoPaths.Models, "data", "mnist-test.bin")).ToModelInput(0, 4);

    public string Name => name;

    public ServerProcess Process => process;

    public int Port => port;

    public string Model => model;

    /// <summary>A valid request: 4 test images, FP32 raw contents.</summary>
    public ModelInferRequest Valid() => InferenceCalls.Fp32(model, Images, 4);

    /// <summary>VmRSS from /proc/&lt;pid&gt;/status, in MiB.</summary>
    public double RssMiB()
    {
        string line = File.ReadLines($"/proc/{process.Id}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Alive and serving: the process runs and a valid request is answered with the right predictions' count.</summary>
    public async Task AssertServingAsync()
    {
        Assert.False(process.HasExited, $"the {name} process exited");
        var response = await client.ModelInferAsync(Valid(), deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(4, response.Outputs.Single(o => o.Name == (name == "router" ? "predictions" : "probabilities")).Shape[0]);
    }

    /// <summary>Ordinary requests first, so that JIT, pools and sessions have grown before RSS is read.</summary>
    public async Task WarmAsync()
    {
        for (int i = 0; i < 50; i++)
        {
            await client.ModelInferAsync(Valid());
        }
    }
}
