using System.Globalization;
using System.Xml.Linq;
using EnsembleGrpc.LoadGen.Reports;

namespace EnsembleGrpc.LoadGen.Tests.Reports;

/// <summary>Layout rules of the SVG plots: nothing that hides data, labels apart, axes that fit the data.</summary>
public sealed class SvgChartLayoutTests
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    [Fact]
    public void Legend_sits_above_the_plot_area_so_it_hides_no_data()
    {
        var svg = XDocument.Parse(PlotWriter.LatencyDistribution(SampleReport.Create()));
        var frame = svg.Root!.Elements(Ns + "rect").Single(r => (string?)r.Attribute("fill") == "none");
        var plotTop = D(frame, "y");
        var legendYs = svg.Descendants(Ns + "g").Single(g => (string?)g.Attribute("class") == "legend").Elements(Ns + "text").Select(t => D(t, "y")).ToList();

        Assert.Equal(4, legendYs.Count);
        Assert.All(legendYs, y => Assert.True(y < plotTop, $"legend text at y={y} is inside the plot (top {plotTop})"));
    }

    [Fact]
    public void Point_labels_do_not_overlap_when_points_crowd()
    {
        // Two steps with nearly the same throughput and p99: their labels would share one spot.
        var report = SampleReport.Create() with { Steps = [SampleReport.Step(8, 1172, 5.8), SampleReport.Step(16, 1180, 5.9)] };
        var svg = XDocument.Parse(PlotWriter.LatencyVersusThroughput(report));
        var labels = svg.Descendants(Ns + "g").Single(g => (string?)g.Attribute("data-series") == "p99").Elements(Ns + "text").ToList();

        Assert.Equal(["c=8", "c=16"], labels.Select(t => t.Value));
        var (a, b) = (labels[0], labels[1]);
        Assert.True(Math.Abs(D(a, "y") - D(b, "y")) >= 10 || Math.Abs(D(a, "x") - D(b, "x")) >= 30, "labels overlap");
    }

    [Fact]
    public void Steps_are_joined_in_order_of_offered_load_and_failed_steps_are_named()
    {
        // Throughput falls past saturation (c=8 below c=4): the p99 line must go 1, 2, 4, 8 rather than by throughput.
        var failed = SampleReport.Step(16, 0, 1) with { Succeeded = 0, SuccessRate = 0 };
        var report = SampleReport.Create() with { Steps = [SampleReport.Step(1, 800, 1.2), SampleReport.Step(2, 1500, 1.3), SampleReport.Step(4, 2600, 1.5), SampleReport.Step(8, 2000, 2.6), failed] };
        var svg = XDocument.Parse(PlotWriter.LatencyVersusThroughput(report));
        var p99 = svg.Descendants(Ns + "g").Single(g => (string?)g.Attribute("data-series") == "p99");

        Assert.Equal(["c=1", "c=2", "c=4", "c=8"], p99.Elements(Ns + "text").Select(t => t.Value));
        var xs = p99.Elements(Ns + "circle").Select(c => D(c, "cx")).ToList();
        Assert.True(xs[3] < xs[2], "c=8 (2000/s) is drawn left of c=4 (2600/s)");
        var note = svg.Descendants(Ns + "text").Single(t => (string?)t.Attribute("class") == "note");
        Assert.Contains("concurrency 16", note.Value);
    }

    [Theory]
    [InlineData(1.3, 1)]
    [InlineData(2, 2)]
    [InlineData(4.9, 2)]
    [InlineData(37, 20)]
    [InlineData(0.07, 0.05)]
    public void Ladder_below_steps_down_to_1_2_5(double value, double expected) => Assert.Equal(expected, SvgChart.LadderBelow(value), 9);

    [Theory]
    [InlineData(1.3, 2)]
    [InlineData(5, 5)]
    [InlineData(231, 500)]
    [InlineData(524, 1000)]
    public void Ladder_above_steps_up_to_1_2_5(double value, double expected) => Assert.Equal(expected, SvgChart.LadderAbove(value), 9);

    [Fact]
    public void Log_axis_ends_on_the_ladder_not_on_whole_decades()
    {
        var (min, max, ticks) = SvgChart.Axis([1.6, 231], AxisScale.Log);

        Assert.Equal(1, min, 9);
        Assert.Equal(500, max, 9);
        Assert.Equal(["1", "2", "5", "10", "20", "50", "100", "200", "500"], ticks.Select(t => t.Label));
    }

    private static double D(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);
}
