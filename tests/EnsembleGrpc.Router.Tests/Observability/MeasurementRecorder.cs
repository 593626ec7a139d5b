using System.Diagnostics.Metrics;

namespace EnsembleGrpc.Router.Tests.Observability;

/// <summary>
/// Collects what the instruments of the chosen meters report, observable ones included, as a metrics exporter would.
/// Choose by the meter's scope (its IMeterFactory): tests in parallel make meters of the same name.
/// </summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, string> Tags)> _measurements = [];

    public MeasurementRecorder(Func<Meter, bool> meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (meters(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Reads every observable instrument once (a scrape); earlier measurements are forgotten.</summary>
    public void Scrape()
    {
        lock (_measurements)
        {
            _measurements.Clear();
        }

        _listener.RecordObservableInstruments();
    }

    public IReadOnlyList<(double Value, Dictionary<string, string> Tags)> Of(string instrument)
    {
        lock (_measurements)
        {
            return [.. _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags))];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            map[tag.Key] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, map));
        }
    }
}
