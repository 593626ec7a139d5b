using EnsembleGrpc.Datasets;
using EnsembleGrpc.LoadGen.Inputs;

namespace EnsembleGrpc.LoadGen.Tests.Fakes;

internal static class TestRequests
{
    /// <summary>A request factory over a tiny labeled data set (4 images of 2x2, labels 0..3).</summary>
    public static RequestFactory Factory(RequestParameters? parameters = null)
    {
        var dataset = EgdsDataset.Parse(EgdsDataset.Serialize(2, 2, new byte[16], [0, 1, 2, 3]));
        return new RequestFactory("mnist", null, "input", "probabilities", InputSamples.FromDataset(dataset, 1), parameters ?? new RequestParameters());
    }
}
