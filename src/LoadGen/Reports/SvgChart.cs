using System.Globalization;
using System.Security;
using System.Text;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>
/// A small line chart written as SVG by hand: title, axes with "nice" ticks (1-2-5 steps, decades on a log axis,
/// or HdrHistogram's "nines" for percentiles), grid, labeled series with markers, an optional right axis in percent,
/// shaded x ranges and a legend. Each series is a <c>&lt;g class="series" data-series="name"&gt;</c>.
/// The legend sits above the plot area (wrapped into rows), so it never hides data; point labels are moved aside
/// when they would overlap one another; the right axis keeps a little headroom so 100% does not lie on the frame.
/// </summary>
internal sealed class SvgChart
{
    private const double Width = 960;
    private const double Height = 560;
    private const double Left = 84;
    private const double Right = 70;
    private const double TitleBlock = 60;
    private const double LegendRowHeight = 18;
    private const double LegendCharWidth = 7;

    /// <summary>The right axis spans 0..this (percent), ticks 0..100: headroom above 100%.</summary>
    private const double RightAxisMax = 108;
    private const double Bottom = 72;

    private static readonly string[] Palette =
    [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
    ];

    public required string Title { get; init; }

    public string? Subtitle { get; init; }

    public required string XLabel { get; init; }

    public required string YLabel { get; init; }

    public AxisScale XScale { get; init; } = AxisScale.Linear;

    public AxisScale YScale { get; init; } = AxisScale.Linear;

    /// <summary>Label of the right axis (0..100 %) used by series with <see cref="ChartSeries.RightAxis"/>.</summary>
    public string? RightLabel { get; init; }

    /// <summary>A line of small print under the x axis label, bottom left (e.g. what could not be plotted).</summary>
    public string? Note { get; init; }

    public List<ChartSeries> Series { get; } = [];

    public List<(double From, double To, string Label)> Shaded { get; } = [];

    /// <summary>Events at one x (a rollout's decisions): a vertical line with a label, the detail as its tooltip.</summary>
    public List<ChartMark> Marks { get; } = [];

    public string Render()
    {
        var points = Series.Where(s => !s.RightAxis).SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var allX = Series.SelectMany(s => s.Points).Select(p => p.X).Where(double.IsFinite).Concat(Shaded.SelectMany(s => new[] { s.From, s.To })).Concat(Marks.Select(m => m.X)).ToList();
        var (xMin, xMax, xTicks) = Axis(allX, XScale);
        var (yMin, yMax, yTicks) = Axis(points.Select(p => p.Y).ToList(), YScale);
        var plotW = Width - Left - Right;
        var legend = LegendLayout(plotW);
        var legendRows = legend.Count == 0 ? 0 : legend.Max(l => l.Row) + 1;
        var top = TitleBlock + (legendRows * LegendRowHeight) + (legendRows > 0 ? 8 : 4);
        var plotH = Height - top - Bottom;
        double X(double v) => Left + (Map(v, xMin, xMax, XScale) * plotW);
        double Y(double v) => top + plotH - (Map(v, yMin, yMax, YScale) * plotH);
        double Y2(double v) => top + plotH - (Math.Clamp(v, 0, 100) / RightAxisMax * plotH);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"Helvetica, Arial, sans-serif\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"title\" x=\"{Width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"20\" font-weight=\"bold\" fill=\"#222\">{Esc(Title)}</text>\n");
        if (Subtitle is not null)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"48\" text-anchor=\"middle\" font-size=\"12\" fill=\"#666\">{Esc(Subtitle)}</text>\n");
        }

        foreach (var (from, to, label) in Shaded)
        {
            var x1 = X(from);
            var x2 = X(to);
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"shaded\"><rect x=\"{F(x1)}\" y=\"{top}\" width=\"{F(Math.Max(1, x2 - x1))}\" height=\"{plotH}\" fill=\"#d62728\" fill-opacity=\"0.10\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F((x1 + x2) / 2)}\" y=\"{top + 16}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#a01010\">{Esc(label)}</text></g>\n");
        }

        AppendMarks(svg, X, top, plotH);

        // Grid and ticks.
        svg.Append("<g class=\"axis x\" font-size=\"12\" fill=\"#444\">\n");
        foreach (var (value, label) in xTicks)
        {
            var x = X(value);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" y1=\"{top}\" x2=\"{F(x)}\" y2=\"{top + plotH}\" stroke=\"#e6e6e6\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" y1=\"{top + plotH}\" x2=\"{F(x)}\" y2=\"{top + plotH + 5}\" stroke=\"#444\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x)}\" y=\"{top + plotH + 20}\" text-anchor=\"middle\">{Esc(label)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (plotW / 2)}\" y=\"{Height - 22}\" text-anchor=\"middle\" font-size=\"14\" fill=\"#222\">{Esc(XLabel)}</text>\n</g>\n");
        svg.Append("<g class=\"axis y\" font-size=\"12\" fill=\"#444\">\n");
        foreach (var (value, label) in yTicks)
        {
            var y = Y(value);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{F(y)}\" x2=\"{Left + plotW}\" y2=\"{F(y)}\" stroke=\"#e6e6e6\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left - 5}\" y1=\"{F(y)}\" x2=\"{Left}\" y2=\"{F(y)}\" stroke=\"#444\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 9}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{Esc(label)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(22 {top + (plotH / 2)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"14\" fill=\"#222\">{Esc(YLabel)}</text>\n</g>\n");
        if (RightLabel is not null)
        {
            svg.Append("<g class=\"axis y2\" font-size=\"12\" fill=\"#444\">\n");
            for (var v = 0; v <= 100; v += 20)
            {
                var y = Y2(v);
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left + plotW}\" y1=\"{F(y)}\" x2=\"{Left + plotW + 5}\" y2=\"{F(y)}\" stroke=\"#444\"/><text x=\"{Left + plotW + 9}\" y=\"{F(y + 4)}\">{v}%</text>\n");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate({Width - 16} {top + (plotH / 2)}) rotate(90)\" text-anchor=\"middle\" font-size=\"14\" fill=\"#222\">{Esc(RightLabel)}</text>\n</g>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#444\"/>\n");

        // Series. Point labels avoid each other: each one tries a few places around its point.
        var placed = Series.Where(s => s.Markers)
            .SelectMany(s => s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).Select(p => (X: X(p.X), Y: s.RightAxis ? Y2(p.Y) : Y(p.Y))))
            .Select(p => (p.X - 4, p.Y - 4, p.X + 4, p.Y + 4))
            .ToList();
        var lines = new List<(double X1, double Y1, double X2, double Y2)>();
        foreach (var s in Series)
        {
            var pts = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).Select(p => (X: X(p.X), Y: s.RightAxis ? Y2(p.Y) : Y(p.Y))).ToList();
            for (var k = 1; k < pts.Count; k++)
            {
                var n = (int)Math.Ceiling(Math.Max(Math.Abs(pts[k].X - pts[k - 1].X), Math.Abs(pts[k].Y - pts[k - 1].Y)) / 3);
                for (var j = 0; j <= n; j++)
                {
                    var t = n == 0 ? 0 : (double)j / n;
                    var x = pts[k - 1].X + (t * (pts[k].X - pts[k - 1].X));
                    var y = pts[k - 1].Y + (t * (pts[k].Y - pts[k - 1].Y));
                    lines.Add((x - 1.5, y - 1.5, x + 1.5, y + 1.5));
                }
            }
        }
        for (var i = 0; i < Series.Count; i++)
        {
            var s = Series[i];
            var color = s.Color ?? Palette[i % Palette.Length];
            var pts = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).Select(p => (X: X(p.X), Y: s.RightAxis ? Y2(p.Y) : Y(p.Y), p.Label)).ToList();
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"series\" data-series=\"{Esc(s.Name)}\">");
            if (pts.Count > 0)
            {
                var path = string.Join(' ', pts.Select((p, k) => $"{(k == 0 ? 'M' : 'L')}{F(p.X)},{F(p.Y)}"));
                var dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : string.Empty;
                svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.2\" stroke-linejoin=\"round\"{dash}/>");
                if (s.Markers)
                {
                    foreach (var p in pts)
                    {
                        svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(p.X)}\" cy=\"{F(p.Y)}\" r=\"3.5\" fill=\"{color}\"/>");
                        if (p.Label is not null)
                        {
                            var (lx, ly, anchor) = PlaceLabel(p.X, p.Y, p.Label, placed, lines, top, top + plotH);
                            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(lx)}\" y=\"{F(ly)}\" text-anchor=\"{anchor}\" font-size=\"10\" fill=\"{color}\">{Esc(p.Label)}</text>");
                        }
                    }
                }
            }

            svg.Append("</g>\n");
        }

        // Legend, in rows between the subtitle and the plot.
        svg.Append("<g class=\"legend\" font-size=\"12\">");
        foreach (var (i, row, offset) in legend)
        {
            var s = Series[i];
            var color = s.Color ?? Palette[i % Palette.Length];
            var x = Left + offset;
            var y = TitleBlock + 12 + (row * LegendRowHeight);
            var dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : string.Empty;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" y1=\"{F(y - 4)}\" x2=\"{F(x + 18)}\" y2=\"{F(y - 4)}\" stroke=\"{color}\" stroke-width=\"2.5\"{dash}/><text x=\"{F(x + 24)}\" y=\"{F(y)}\" fill=\"#222\">{Esc(s.Name)}</text>");
        }

        svg.Append("</g>\n");
        if (Note is not null)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"note\" x=\"8\" y=\"{Height - 6}\" font-size=\"11\" fill=\"#666\">{Esc(Note)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>
    /// Each mark as a dashed vertical line with its label written up along it (marks close together would overlap if
    /// written across), and its detail as the SVG tooltip.
    /// </summary>
    private void AppendMarks(StringBuilder svg, Func<double, double> x, double top, double plotH)
    {
        foreach (var mark in Marks)
        {
            var px = F(x(mark.X));
            var color = mark.Color ?? "#444";
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"mark\" data-kind=\"{Esc(mark.Kind)}\"><title>{Esc(mark.Detail ?? mark.Label)}</title>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{px}\" y1=\"{top}\" x2=\"{px}\" y2=\"{top + plotH}\" stroke=\"{color}\" stroke-width=\"1.5\" stroke-dasharray=\"3 3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate({px} {F(top + plotH - 6)}) rotate(-90)\" dx=\"0\" dy=\"-4\" font-size=\"11\" fill=\"{color}\">{Esc(mark.Label)}</text></g>\n");
        }
    }

    /// <summary>Legend entries (series index, row, x offset from the plot's left edge), wrapped to the plot width.</summary>
    private List<(int Index, int Row, double Offset)> LegendLayout(double width)
    {
        var entries = new List<(int, int, double)>();
        var row = 0;
        var offset = 0.0;
        for (var i = 0; i < Series.Count; i++)
        {
            var w = 24 + (Series[i].Name.Length * LegendCharWidth) + 18;
            if (offset > 0 && offset + w > width)
            {
                row++;
                offset = 0;
            }

            entries.Add((i, row, offset));
            offset += w;
        }

        return entries;
    }

    /// <summary>
    /// Where a 10px point label goes: above-right of its point unless that box overlaps a label already placed, then
    /// below-right, above-left, below-left, and further out; the box chosen is added to <paramref name="placed"/>.
    /// </summary>
    private static (double X, double Y, string Anchor) PlaceLabel(double px, double py, string label, List<(double X1, double Y1, double X2, double Y2)> placed, List<(double X1, double Y1, double X2, double Y2)> lines, double top, double bottom)
    {
        const double CharW = 6;
        const double H = 10;
        var w = label.Length * CharW;
        (double Dx, double Dy, bool Left)[] candidates =
        [
            (5, -7, false), (5, 15, false), (-5, -7, true), (-5, 15, true),
            (8, 4, false), (-8, 4, true), (-12, -12, false), (-12, 22, false),
            (5, -20, false), (5, 28, false), (-5, -20, true), (-5, 28, true),
        ];
        (double, double, double, double) Box((double Dx, double Dy, bool Left) c)
        {
            var x1 = c.Left ? px + c.Dx - w : px + c.Dx;
            var y2 = py + c.Dy;
            return (x1, y2 - H, x1 + w, y2 + 2);
        }

        static bool Hits((double X1, double Y1, double X2, double Y2) b, List<(double X1, double Y1, double X2, double Y2)> boxes)
            => boxes.Any(o => b.X1 < o.X2 && o.X1 < b.X2 && b.Y1 < o.Y2 && o.Y1 < b.Y2);

        bool Inside((double X1, double Y1, double X2, double Y2) b) => b.Y1 >= top && b.Y2 <= bottom && b.X2 <= Width - Right;

        // Best: clear of labels, markers and lines; then clear of labels and markers; else the default place.
        var chosen = candidates.Where(c => Inside(Box(c)) && !Hits(Box(c), placed) && !Hits(Box(c), lines)).Cast<(double Dx, double Dy, bool Left)?>().FirstOrDefault()
            ?? candidates.Where(c => Inside(Box(c)) && !Hits(Box(c), placed)).Cast<(double Dx, double Dy, bool Left)?>().FirstOrDefault()
            ?? candidates[0];
        placed.Add(Box(chosen));
        return (px + chosen.Dx, py + chosen.Dy, chosen.Left ? "end" : "start");
    }

    internal static (double Min, double Max, List<(double Value, string Label)> Ticks) Axis(IReadOnlyList<double> values, AxisScale scale)
    {
        var finite = values.Where(double.IsFinite).ToList();
        switch (scale)
        {
            case AxisScale.Nines:
            {
                var max = Math.Max(1, Math.Ceiling(finite.DefaultIfEmpty(2).Max()));
                var ticks = new List<(double, string)>();
                for (var n = 0; n <= max; n++)
                {
                    ticks.Add((n, NinesLabel(n)));
                }

                return (0, max, ticks);
            }

            case AxisScale.Log:
            {
                // Bounds on the 1-2-5 ladder, not whole decades, so that data reaching 200 does not leave the top
                // two-thirds of a decade empty.
                var positive = finite.Where(v => v > 0).ToList();
                var lo = LadderBelow(positive.DefaultIfEmpty(1).Min());
                var hi = LadderAbove(positive.DefaultIfEmpty(10).Max());
                if (hi <= lo)
                {
                    hi = lo * 10;
                }

                var ticks = new List<(double, string)>();
                for (var d = Math.Pow(10, Math.Floor(Math.Log10(lo) + 1e-9)); d <= hi * 1.0001; d *= 10)
                {
                    foreach (var m in new[] { 1.0, 2.0, 5.0 })
                    {
                        if (d * m >= lo * 0.9999 && d * m <= hi * 1.0001)
                        {
                            ticks.Add((d * m, Number(d * m)));
                        }
                    }
                }

                return (lo, hi, ticks);
            }

            default:
            {
                var min = Math.Min(0, finite.DefaultIfEmpty(0).Min());
                var max = finite.DefaultIfEmpty(1).Max();
                if (max <= min)
                {
                    max = min + 1;
                }

                var step = NiceStep((max - min) / 6);
                var top = Math.Ceiling(max / step) * step;
                var ticks = new List<(double, string)>();
                for (var v = min; v <= top + (step / 2); v += step)
                {
                    ticks.Add((v, Number(v)));
                }

                return (min, top, ticks);
            }
        }
    }

    /// <summary>The largest value of the 1-2-5 ladder (…, 0.5, 1, 2, 5, 10, …) at or below <paramref name="v"/>.</summary>
    internal static double LadderBelow(double v)
    {
        var decade = Math.Pow(10, Math.Floor(Math.Log10(v) + 1e-9));
        var m = v / decade;
        return decade * (m >= 5 - 1e-9 ? 5 : m >= 2 - 1e-9 ? 2 : 1);
    }

    /// <summary>The smallest value of the 1-2-5 ladder at or above <paramref name="v"/>.</summary>
    internal static double LadderAbove(double v)
    {
        var decade = Math.Pow(10, Math.Floor(Math.Log10(v) + 1e-9));
        var m = v / decade;
        return decade * (m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10);
    }

    internal static double NiceStep(double raw)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var fraction = raw / magnitude;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    internal static string NinesLabel(int nines) => nines switch
    {
        0 => "0%",
        1 => "90%",
        2 => "99%",
        _ => "99." + new string('9', nines - 2) + "%",
    };

    private static double Map(double v, double min, double max, AxisScale scale)
    {
        if (scale == AxisScale.Log)
        {
            v = Math.Max(v, min);
            return (Math.Log10(v) - Math.Log10(min)) / (Math.Log10(max) - Math.Log10(min));
        }

        return (v - min) / (max - min);
    }

    private static string Number(double v)
    {
        var a = Math.Abs(v);
        if (a >= 10_000)
        {
            return (v / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k";
        }

        return v.ToString(a >= 10 || a == 0 ? "0.##" : a >= 0.1 ? "0.###" : "0.####", CultureInfo.InvariantCulture);
    }

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Esc(string text) => SecurityElement.Escape(text) ?? string.Empty;
}

internal enum AxisScale
{
    Linear,
    Log,

    /// <summary>x = -log10(1 - p/100): 0 → 0%, 1 → 90%, 2 → 99%, 3 → 99.9%.</summary>
    Nines,
}

/// <summary>One line of a chart: its points (optionally labeled), color, style and axis.</summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points)
{
    public string? Color { get; init; }

    public bool Dashed { get; init; }

    public bool Markers { get; init; } = true;

    public bool RightAxis { get; init; }
}

internal readonly record struct ChartPoint(double X, double Y, string? Label = null);

/// <summary>An event on a chart's x axis: its kind (a CSS hook), a short label, a longer detail, a color.</summary>
internal sealed record ChartMark(double X, string Kind, string Label, string? Detail = null, string? Color = null);
