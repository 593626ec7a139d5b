using EnsembleGrpc.Protocol.Admin;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Net.Client;

namespace InferenceBench;

/// <summary>The shadow arm's state as RouterAdmin reports it: its arm and percentage, and every counter by name.</summary>
internal sealed record ShadowState(string Arm, double SamplePercent, IReadOnlyDictionary<string, ulong> Counters);

/// <summary>
/// Reads the router's admin service (no token needed for reads): the config version, to see a hot reload land, and
/// the shadow statistics. The shadow's counters are read by reflection over the message, so counters the router adds
/// later (e.g. rejections by cause) show up without a change here: every integer field and every map of integers.
/// </summary>
internal sealed class RouterAdminReader : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly RouterAdmin.RouterAdminClient _client;

    public RouterAdminReader(Uri router)
    {
        _channel = GrpcChannel.ForAddress(router);
        _client = new RouterAdmin.RouterAdminClient(_channel);
    }

    public async Task<long> ConfigVersionAsync(CancellationToken cancellationToken)
        => (await _client.GetConfigAsync(new GetConfigRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken)).Version;

    /// <summary>The ensemble's shadow, or null when it has none.</summary>
    public async Task<ShadowState?> ShadowAsync(string ensemble, CancellationToken cancellationToken)
    {
        var reply = await _client.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = ensemble }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
        var shadow = reply.Ensembles.FirstOrDefault(e => e.Name == ensemble)?.Shadow;
        return shadow is null ? null : new ShadowState(shadow.Arm, shadow.SamplePercent, Counters(shadow));
    }

    /// <summary>"member@address: state" for every endpoint of the ensemble whose breaker is open or isolated.</summary>
    public async Task<IReadOnlyList<string>> OpenBreakersAsync(string ensemble, CancellationToken cancellationToken)
    {
        var reply = await _client.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = ensemble }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
        return [.. reply.Ensembles.Where(e => e.Name == ensemble).SelectMany(e => e.Members)
            .SelectMany(m => m.Endpoints.Where(x => x.BreakerState is "open" or "isolated").Select(x => $"{m.Name}@{x.Address}: {x.BreakerState}"))];
    }

    /// <summary>after − before per counter; a counter that went down (reset by a reload) counts from zero.</summary>
    public static Dictionary<string, ulong> Delta(IReadOnlyDictionary<string, ulong>? before, IReadOnlyDictionary<string, ulong> after)
        => after.ToDictionary(kv => kv.Key, kv => before?.GetValueOrDefault(kv.Key) is { } b && b <= kv.Value ? kv.Value - b : kv.Value);

    public void Dispose() => _channel.Dispose();

    private static Dictionary<string, ulong> Counters(IMessage message)
    {
        var counters = new Dictionary<string, ulong>();
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsMap && value is System.Collections.IDictionary map)
            {
                foreach (System.Collections.DictionaryEntry entry in map)
                {
                    if (Integer(entry.Value) is { } n)
                    {
                        counters[$"{field.Name}.{entry.Key}"] = n;
                    }
                }
            }
            else if (!field.IsRepeated && field.FieldType is FieldType.UInt64 or FieldType.Int64 or FieldType.UInt32 or FieldType.Int32 && Integer(value) is { } n)
            {
                counters[field.Name] = n;
            }
        }

        return counters;
    }

    private static ulong? Integer(object? value) => value switch
    {
        ulong u => u,
        long l when l >= 0 => (ulong)l,
        uint u => u,
        int i when i >= 0 => (ulong)i,
        _ => null,
    };
}
