namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>Progress of a run as it happens (the live display listens; tests may too).</summary>
public interface IRunObserver
{
    void StepStarted(string label, int maxWindows);

    void WindowMeasured(string label, WindowSummary window, bool stable);

    void StepFinished(StepSummary summary);

    void Note(string message);
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullRunObserver : IRunObserver
{
    public static readonly NullRunObserver Instance = new();

    public void StepStarted(string label, int maxWindows)
    {
    }

    public void WindowMeasured(string label, WindowSummary window, bool stable)
    {
    }

    public void StepFinished(StepSummary summary)
    {
    }

    public void Note(string message)
    {
    }
}
