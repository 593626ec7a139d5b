namespace EnsembleGrpc.Router.Experiments;

/// <summary>No persistence (<c>--state none</c>): splits and feedback live in memory only, as before.</summary>
public sealed class NullExperimentStore : IExperimentStore
{
    public static NullExperimentStore Instance { get; } = new();

    public IReadOnlyList<StoredSplit> LoadSplits() => [];

    public void SaveSplit(StoredSplit split)
    {
    }

    public void DeleteSplit(string ensemble)
    {
    }

    public IReadOnlyList<StoredFeedback> LoadFeedback() => [];

    public void AddFeedback(string ensemble, string arm, int rows, int correct)
    {
    }
}
