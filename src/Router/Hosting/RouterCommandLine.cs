namespace EnsembleGrpc.Router.Hosting;

/// <summary>The command-line switches, mapped onto configuration keys of <see cref="RouterOptions"/>.</summary>
public static class RouterCommandLine
{
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--config"] = Key(nameof(RouterOptions.Config)),
        ["--state"] = Key(nameof(RouterOptions.State)),
        ["--host"] = Key(nameof(RouterOptions.Host)),
        ["--port"] = Key(nameof(RouterOptions.Port)),
        ["--watch"] = Key(nameof(RouterOptions.Watch)),
        ["--ledger-capacity"] = Key(nameof(RouterOptions.LedgerCapacity)),
        ["--warmup"] = Key(nameof(RouterOptions.Warmup)),
        ["--warmup-timeout-ms"] = Key(nameof(RouterOptions.WarmupTimeoutMs)),
        ["--warmup-calls"] = Key(nameof(RouterOptions.WarmupCalls)),
    };

    private static string Key(string name) => $"{RouterOptions.SectionName}:{name}";
}
