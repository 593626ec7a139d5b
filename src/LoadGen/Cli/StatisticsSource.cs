namespace EnsembleGrpc.LoadGen.Cli;

/// <summary>
/// A --server-stats value: URL=MODEL reads that model of the server at URL, URL alone every model it reports (the
/// router's ensembles, a worker's members).
/// </summary>
public sealed record StatisticsSource(string Address, string? Model)
{
    /// <summary>Parses URL[=MODEL]; null with <paramref name="error"/> when the address is not an http(s) URL or the model is empty.</summary>
    public static StatisticsSource? Parse(string text, out string? error)
    {
        error = null;
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var address = (eq < 0 ? text : text[..eq]).Trim();
        var model = eq < 0 ? null : text[(eq + 1)..].Trim();
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            error = $"--server-stats: '{text}' does not start with an http(s) URL (URL or URL=MODEL).";
            return null;
        }

        if (model is { Length: 0 })
        {
            error = $"--server-stats: '{text}' names no model after '=' (URL alone reads every model).";
            return null;
        }

        return new StatisticsSource(address.TrimEnd('/'), model);
    }

    public override string ToString() => Model is null ? Address : $"{Address}={Model}";
}
