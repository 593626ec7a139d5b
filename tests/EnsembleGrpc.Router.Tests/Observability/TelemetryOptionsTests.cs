using EnsembleGrpc.Hosting.Observability;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Tests.Observability;

/// <summary>How --metrics-port and --traces are read and checked, and which names Prometheus would reject are renamed.</summary>
public sealed class TelemetryOptionsTests
{
    [Theory]
    [InlineData("auto", null, false, false)]
    [InlineData("auto", "http://collector:4317", true, true)]
    [InlineData("AUTO", "http://collector:4317", true, true)]
    [InlineData("otlp", null, true, true)]
    [InlineData("on", "http://collector:4317", true, false)]
    [InlineData("off", "http://collector:4317", false, false)]
    public void Trace_modes_record_and_export_as_documented(string mode, string? endpoint, bool record, bool export)
    {
        var resolved = TraceModes.Resolve(mode, name => name == "OTEL_EXPORTER_OTLP_ENDPOINT" ? endpoint : null);

        Assert.Equal((record, export), resolved);
    }

    [Fact]
    public void Auto_also_exports_when_only_the_traces_endpoint_is_set()
    {
        Assert.Equal((true, true), TraceModes.Resolve("auto", name => name == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" ? "http://collector:4318/v1/traces" : null));
    }

    [Fact]
    public void The_validator_lists_every_problem()
    {
        var result = new TelemetryOptionsValidator().Validate(null, new TelemetryOptions { MetricsPort = 70000, Traces = "jaeger" });

        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("--metrics-port", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("--traces", StringComparison.Ordinal));
    }

    [Fact]
    public void Metrics_are_off_unless_a_port_is_given()
    {
        Assert.True(new TelemetryOptionsValidator().Validate(null, new TelemetryOptions()).Succeeded);
        Assert.Null(new TelemetryOptions().MetricsPort);
    }

    [Fact]
    public void The_command_line_writes_the_telemetry_keys()
    {
        var parse = RouterCommandLine.Parse(["--metrics-port", "9100", "--traces", "otlp"]);

        Assert.Empty(parse.Errors);
        Assert.Equal("9100", parse.Configuration.Last(kv => kv.Key == "Telemetry:MetricsPort").Value);
        Assert.Equal("otlp", parse.Configuration.Last(kv => kv.Key == "Telemetry:Traces").Value);
    }

    [Fact]
    public void A_bad_metrics_port_stops_the_router_before_it_listens()
    {
        using var files = new TestFiles();
        string config = files.Write("routing.json", RoutingFiles.OneMember("http://127.0.0.1:1"));

        var error = Assert.Throws<OptionsValidationException>(() => RouterHost.Build(["--config", config, "--metrics-port", "70000", "--state", "none", "--warmup", "false"]));

        Assert.Contains(error.Failures, f => f.Contains("--metrics-port", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("dotnet.assembly.count", false, "dotnet.assemblies.loaded")]
    [InlineData("process.unix.file_descriptor.count", false, "process.open_fds")]
    [InlineData("some.future.count", false, "some.future.current")]
    [InlineData("dotnet.gc.collections", true, null)]
    [InlineData("some.events.count", true, null)]
    [InlineData("ensemblegrpc.worker.queue.depth", false, null)]
    public void Gauges_named_count_are_renamed_for_prometheus(string name, bool isCounter, string? expected)
    {
        Assert.Equal(expected, PrometheusNames.NameFor(name, isCounter));
    }
}
