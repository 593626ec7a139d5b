namespace InferenceBench;

/// <summary>Every sample of a run, tagged with its repetition; the analysis reads only this.</summary>
internal sealed class RunResults
{
    public List<(int Rep, OrtSample Sample)> Ort { get; } = [];

    public List<(int Rep, ServedSample Sample)> Worker { get; } = [];

    public List<(int Rep, H2loadSample Sample)> H2load { get; } = [];

    public List<(int Rep, ServedSample Sample)> Router { get; } = [];

    /// <summary>Things the reader must know: failures, skipped parts, checks.</summary>
    public List<string> Notes { get; } = [];

    public List<string> Checks { get; } = [];

    public string? RouterSkipped { get; set; }

    public int RepsDone { get; set; }
}
