using System.Text.Json;
using System.Xml.Linq;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Reports;
using Spectre.Console;

namespace EnsembleGrpc.LoadGen.Tests.Reports;

public sealed class ReportWriterTests
{
    [Fact]
    public void Csv_has_a_header_and_one_quoted_row_per_step_in_invariant_culture()
    {
        var lines = CsvReportWriter.Write(SampleReport.Create()).TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        Assert.Equal(string.Join(',', CsvReportWriter.Columns), lines[0]);
        Assert.Equal(5, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal(CsvReportWriter.Columns.Length, first.Length);
        string Field(string column) => first[Array.IndexOf(CsvReportWriter.Columns, column)];
        Assert.Equal("concurrency 1", Field("label"));
        Assert.Equal("1", Field("concurrency"));
        Assert.Equal("800", Field("throughput_rps"));
        Assert.Equal("3.6", Field("p99_ms"));
        Assert.Equal("0.985", Field("accuracy"));
        Assert.Equal("Unavailable=10", Field("errors"));
        Assert.Equal("120", Field("server_queue_us"));
        Assert.Equal("480", Field("server_compute_us"));
    }

    [Fact]
    public void Csv_adds_the_fault_phases()
    {
        var csv = CsvReportWriter.Write(SampleReport.Create(withFault: true));
        Assert.Contains("\nbefore fault,", csv);
        Assert.Contains("\nduring fault,", csv);
        Assert.Contains("\nafter fault,", csv);
    }

    [Fact]
    public void Json_holds_the_run_the_steps_and_their_breakdowns()
    {
        using var json = JsonDocument.Parse(JsonReportWriter.Write(SampleReport.Create(withFault: true)));
        var root = json.RootElement;

        Assert.Equal("mnist_cnn_1", root.GetProperty("run").GetProperty("model").GetString());
        Assert.Equal(1.0 / 256, root.GetProperty("run").GetProperty("percentile_relative_error").GetDouble());
        var steps = root.GetProperty("steps");
        Assert.Equal(4, steps.GetArrayLength());
        var step = steps[3];
        Assert.Equal(8, step.GetProperty("concurrency").GetInt32());
        Assert.Equal(7.8, step.GetProperty("latency").GetProperty("p99_ms").GetDouble(), 9);
        Assert.Equal(10, step.GetProperty("errors").GetProperty("Unavailable").GetInt64());
        Assert.Equal("a, \"quoted\"", step.GetProperty("by_arm")[0].GetProperty("name").GetString());
        Assert.Equal(480, step.GetProperty("server")[0].GetProperty("compute_us_per_request").GetDouble());
        Assert.Equal(5, step.GetProperty("distribution").GetArrayLength());
        Assert.Equal(0.5, root.GetProperty("fault").GetProperty("during").GetProperty("success_rate").GetDouble());
    }

    [Fact]
    public void Latency_versus_throughput_is_well_formed_svg_with_p50_p90_p99()
    {
        var svg = XDocument.Parse(PlotWriter.LatencyVersusThroughput(SampleReport.Create()));
        XNamespace ns = "http://www.w3.org/2000/svg";

        Assert.Equal(ns + "svg", svg.Root!.Name);
        var series = SeriesNames(svg);
        Assert.Equal(["p50", "p90", "p99", "p99.9"], series);
        var p99 = svg.Descendants(ns + "g").Single(g => (string?)g.Attribute("data-series") == "p99");
        Assert.Equal(4, p99.Elements(ns + "circle").Count());
        Assert.Contains(p99.Elements(ns + "text"), t => t.Value == "c=8");
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("Latency vs throughput: mnist_cnn_1", texts);
        Assert.Contains("throughput (successful requests/s)", texts);
        Assert.Contains("latency (ms)", texts);
        Assert.True(svg.Descendants(ns + "g").Single(g => (string?)g.Attribute("class") == "axis x").Elements(ns + "text").Count() >= 4, "x ticks");
    }

    [Fact]
    public void Latency_distribution_has_one_series_per_step_on_a_nines_axis()
    {
        var svg = XDocument.Parse(PlotWriter.LatencyDistribution(SampleReport.Create()));
        XNamespace ns = "http://www.w3.org/2000/svg";

        Assert.Equal(["concurrency 1", "concurrency 2", "concurrency 4", "concurrency 8"], SeriesNames(svg));
        var ticks = svg.Descendants(ns + "g").Single(g => (string?)g.Attribute("class") == "axis x").Elements(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("90%", ticks);
        Assert.Contains("99%", ticks);
        Assert.Contains("99.9%", ticks);
    }

    [Fact]
    public void Fault_timeline_shades_the_fault_window()
    {
        var svg = XDocument.Parse(PlotWriter.FaultTimeline(SampleReport.Create(withFault: true))!);
        XNamespace ns = "http://www.w3.org/2000/svg";

        Assert.Single(svg.Descendants(ns + "g"), g => (string?)g.Attribute("class") == "shaded");
        Assert.Equal(["p50", "p99", "success %", "fallback %"], SeriesNames(svg));
        Assert.Null(PlotWriter.FaultTimeline(SampleReport.Create()));
    }

    [Fact]
    public void Report_files_are_written_next_to_the_prefix()
    {
        var directory = Path.Combine(Path.GetTempPath(), "loadgen-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            var written = ReportFiles.Write(SampleReport.Create(withFault: true), Path.Combine(directory, "out", "profile"));
            Assert.Equal(
                ["profile-failures.csv", "profile-fault-timeline.svg", "profile-latency-distribution.svg", "profile-latency-throughput.svg", "profile-server.csv", "profile.csv", "profile.json"],
                written.Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray());
            Assert.All(written, path => Assert.True(new FileInfo(path).Length > 100));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Console_report_shows_every_step_and_the_fault_phases()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 240;
        ConsoleReportWriter.Write(console, SampleReport.Create(withFault: true));
        var text = writer.ToString();

        Assert.Contains("concurrency 8", text);
        Assert.Contains("concurrency 8: Unavailable ×7: worker w1 is unavailable", text);
        Assert.Contains("concurrency 8: Unavailable ×3: connection refused", text);
        Assert.Contains("98.5", text);
        Assert.Contains("during fault", text);
        Assert.Contains("Unavailable:10", text);
    }

    [Fact]
    public void Every_failure_kind_with_the_servers_message_is_in_the_failures_csv_and_the_json()
    {
        var report = SampleReport.Create(withFault: true);

        var lines = CsvReportWriter.WriteFailures(report)!.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("label,status,message,count", lines[0]);
        Assert.Equal(1 + (2 * 7), lines.Length); // two kinds in each of four steps and three fault phases
        Assert.Equal("concurrency 1,Unavailable,worker w1 is unavailable,7", lines[1]);
        Assert.Equal("concurrency 1,Unavailable,connection refused,3", lines[2]);
        Assert.Null(CsvReportWriter.WriteFailures(report with { Steps = [], Fault = null }));

        using var json = JsonDocument.Parse(JsonReportWriter.Write(report));
        var failures = json.RootElement.GetProperty("steps")[0].GetProperty("failures");
        Assert.Equal(2, failures.GetArrayLength());
        Assert.Equal("Unavailable", failures[0].GetProperty("status").GetString());
        Assert.Equal("worker w1 is unavailable", failures[0].GetProperty("message").GetString());
        Assert.Equal(7, failures[0].GetProperty("count").GetInt64());
    }

    private static string[] SeriesNames(XDocument svg)
        => svg.Descendants().Where(e => (string?)e.Attribute("class") == "series").Select(e => (string)e.Attribute("data-series")!).ToArray();

    [Fact]
    public void Each_statistics_source_gets_its_own_row_in_the_server_csv_the_console_and_the_json()
    {
        var router = new ServerSideSummary { Source = "http://r", Model = "mnist", Requests = 990, QueueUsPerRequest = 5, InputUsPerRequest = 20, InferUsPerRequest = 3000, OutputUsPerRequest = 10, ComputeUsPerRequest = 3030, ServerUsPerRequest = 3040, Executions = 990, Inferences = 990, MeanBatch = 1 };
        var worker = new ServerSideSummary { Source = "http://w1", Model = "mnist_cnn_1", Requests = 990, Failures = 2, QueueUsPerRequest = 700, ComputeUsPerRequest = 900, InferUsPerRequest = 880, ServerUsPerRequest = 1650, MeanBatch = 3.5 };
        var idle = new ServerSideSummary { Source = "http://w1", Model = "idle" };
        var sample = SampleReport.Create();
        var report = sample with { Steps = [sample.Steps[0] with { Server = [router, worker, idle] }, sample.Steps[1] with { Server = [] }] };

        // The main CSV keeps one pair of server columns: the first source, not an average over router and workers.
        var main = CsvReportWriter.Write(report).Split('\n')[1].Split(',');
        Assert.Equal("5", main[Array.IndexOf(CsvReportWriter.Columns, "server_queue_us")]);
        Assert.Equal("3030", main[Array.IndexOf(CsvReportWriter.Columns, "server_compute_us")]);

        var lines = CsvReportWriter.WriteServer(report)!.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(string.Join(',', CsvReportWriter.ServerColumns), lines[0]);
        Assert.Equal(3, lines.Length); // the idle model and the step without statistics have no row
        Assert.Equal("concurrency 1,http://r,mnist,990,0,990,990,1,5,20,3000,10,3030,3040", lines[1]);
        Assert.StartsWith("concurrency 1,http://w1,mnist_cnn_1,990,2,", lines[2], StringComparison.Ordinal);
        Assert.Null(CsvReportWriter.WriteServer(sample with { Steps = [sample.Steps[0] with { Server = [idle] }] }));

        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 240;
        ConsoleReportWriter.Write(console, report);
        var text = writer.ToString();
        Assert.Contains("Server side", text, StringComparison.Ordinal);
        var rows = text.Split('\n').Where(l => l.Contains("mnist", StringComparison.Ordinal) && l.Contains("concurrency 1", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains("mnist_cnn_1", rows[1], StringComparison.Ordinal);
        Assert.Contains("3040", rows[0], StringComparison.Ordinal);

        using var json = JsonDocument.Parse(JsonReportWriter.Write(report));
        var server = json.RootElement.GetProperty("steps")[0].GetProperty("server");
        Assert.Equal("mnist_cnn_1", server[1].GetProperty("model").GetString());
        Assert.Equal(3040, server[0].GetProperty("server_us_per_request").GetDouble());
    }
}
