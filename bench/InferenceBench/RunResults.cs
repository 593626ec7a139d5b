namespace InferenceBench;

/// <summary>Every sample of a run, tagged with its repetition; the analysis reads only this.</summary>
internal sealed class RunResults
{
    public List<(int Rep, OrtSample Sample)> Ort { get; } = [];

    public List<(int Rep, ServedSample Sample)> Worker { get; } = [];

    public List<(int Rep, H2loadSample Sample)> H2load { get; } = [];

    public List<(int Rep, ServedSample Sample)> Router { get; } = [];

    /// <summary>CPU cost of the served parts: server processes' CPU time per request over a whole part (warm-up steps included).</summary>
    public List<(int Rep, CpuSample Sample)> Cpu { get; } = [];

    /// <summary>Things the reader must know: failures, skipped parts, checks.</summary>
    public List<string> Notes { get; } = [];

    public List<string> Checks { get; } = [];

    public string? RouterSkipped { get; set; }

    public int RepsDone { get; set; }
}

/// <summary>
/// CPU time of the serving processes over one part of a repetition, divided by the requests the first member's
/// worker counted (ModelStatistics) meanwhile. Parts: worker-loadgen, worker-h2load, router-path (router + every
/// worker), router-only.
/// </summary>
internal sealed record CpuSample(string Part, double CpuUsPerRequest, ulong Requests, double CpuSeconds);
