namespace EnsembleGrpc.Router.Hosting;

/// <summary>The command-line switches, mapped onto configuration keys of <see cref="RouterOptions"/>.</summary>
public static class RouterCommandLine
{
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--config"] = Key(nameof(RouterOptions.Config)),
        ["--host"] = Key(nameof(RouterOptions.Host)),
        ["--port"] = Key(nameof(RouterOptions.Port)),
        ["--watch"] = Key(nameof(RouterOptions.Watch)),
        ["--ledger-capacity"] = Key(nameof(RouterOptions.LedgerCapacity)),
    };

    private static string Key(string name) => $"{RouterOptions.SectionName}:{name}";
}
