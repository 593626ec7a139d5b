namespace EnsembleGrpc.Router.Experiments;

/// <summary>
/// Durable experiment state: the runtime traffic split per ensemble and the feedback counts per arm, so that both
/// survive a router restart. Only the admin path writes (SetTrafficSplit, SubmitFeedback); inference never touches it.
/// </summary>
public interface IExperimentStore
{
    /// <summary>Every stored split, one per ensemble.</summary>
    IReadOnlyList<StoredSplit> LoadSplits();

    /// <summary>Replaces the stored split of <see cref="StoredSplit.Ensemble"/>.</summary>
    void SaveSplit(StoredSplit split);

    void DeleteSplit(string ensemble);

    /// <summary>The feedback totals of every arm that ever got feedback.</summary>
    IReadOnlyList<StoredFeedback> LoadFeedback();

    /// <summary>Adds one feedback submission (labelled rows, correct rows) to the arm's totals.</summary>
    void AddFeedback(string ensemble, string arm, int rows, int correct);
}
