using System.Globalization;
using System.Security;
using System.Text;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>
/// A small line chart written as SVG by hand: title, axes with "nice" ticks (1-2-5 steps, decades on a log axis,
/// or HdrHistogram's "nines" for percentiles), grid, labeled series with markers, an optional right axis in percent,
/// shaded x ranges and a legend. Each series is a <c>&lt;g class="series" data-series="name"&gt;</c>.
/// </summary>
internal sealed class SvgChart
{
    private const double Width = 960;
    private const double Height = 560;
    private const double Left = 84;
    private const double Right = 70;
    private const double Top = 64;
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

    public List<ChartSeries> Series { get; } = [];

    public List<(double From, double To, string Label)> Shaded { get; } = [];

    public string Render()
    {
        var points = Series.Where(s => !s.RightAxis).SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var allX = Series.SelectMany(s => s.Points).Select(p => p.X).Where(double.IsFinite).Concat(Shaded.SelectMany(s => new[] { s.From, s.To })).ToList();
        var (xMin, xMax, xTicks) = Axis(allX, XScale);
        var (yMin, yMax, yTicks) = Axis(points.Select(p => p.Y).ToList(), YScale);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double X(double v) => Left + (Map(v, xMin, xMax, XScale) * plotW);
        double Y(double v) => Top + plotH - (Map(v, yMin, yMax, YScale) * plotH);
        double Y2(double v) => Top + plotH - (Math.Clamp(v, 0, 100) / 100 * plotH);

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
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"shaded\"><rect x=\"{F(x1)}\" y=\"{Top}\" width=\"{F(Math.Max(1, x2 - x1))}\" height=\"{plotH}\" fill=\"#d62728\" fill-opacity=\"0.10\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F((x1 + x2) / 2)}\" y=\"{Top + 16}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#a01010\">{Esc(label)}</text></g>\n");
        }

        // Grid and ticks.
        svg.Append("<g class=\"axis x\" font-size=\"12\" fill=\"#444\">\n");
        foreach (var (value, label) in xTicks)
        {
            var x = X(value);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" y1=\"{Top}\" x2=\"{F(x)}\" y2=\"{Top + plotH}\" stroke=\"#e6e6e6\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" y1=\"{Top + plotH}\" x2=\"{F(x)}\" y2=\"{Top + plotH + 5}\" stroke=\"#444\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x)}\" y=\"{Top + plotH + 20}\" text-anchor=\"middle\">{Esc(label)}</text>\n");
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

        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(22 {Top + (plotH / 2)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"14\" fill=\"#222\">{Esc(YLabel)}</text>\n</g>\n");
        if (RightLabel is not null)
        {
            svg.Append("<g class=\"axis y2\" font-size=\"12\" fill=\"#444\">\n");
            for (var v = 0; v <= 100; v += 20)
            {
                var y = Y2(v);
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left + plotW}\" y1=\"{F(y)}\" x2=\"{Left + plotW + 5}\" y2=\"{F(y)}\" stroke=\"#444\"/><text x=\"{Left + plotW + 9}\" y=\"{F(y + 4)}\">{v}%</text>\n");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate({Width - 16} {Top + (plotH / 2)}) rotate(90)\" text-anchor=\"middle\" font-size=\"14\" fill=\"#222\">{Esc(RightLabel)}</text>\n</g>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#444\"/>\n");

        // Series.
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
                            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(p.X + 5)}\" y=\"{F(p.Y - 7)}\" font-size=\"10\" fill=\"{color}\">{Esc(p.Label)}</text>");
                        }
                    }
                }
            }

            svg.Append("</g>\n");
        }

        // Legend, top-left inside the plot.
        var legendH = (Series.Count * 18) + 10;
        var legendW = 22 + (Series.Count == 0 ? 0 : Series.Max(s => s.Name.Length) * 7) + 16;
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"legend\" font-size=\"12\"><rect x=\"{Left + 10}\" y=\"{Top + 10}\" width=\"{legendW}\" height=\"{legendH}\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>");
        for (var i = 0; i < Series.Count; i++)
        {
            var s = Series[i];
            var color = s.Color ?? Palette[i % Palette.Length];
            var y = Top + 24 + (i * 18);
            var dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : string.Empty;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left + 18}\" y1=\"{y - 4}\" x2=\"{Left + 36}\" y2=\"{y - 4}\" stroke=\"{color}\" stroke-width=\"2.5\"{dash}/><text x=\"{Left + 42}\" y=\"{y}\" fill=\"#222\">{Esc(s.Name)}</text>");
        }

        svg.Append("</g>\n</svg>\n");
        return svg.ToString();
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
                var positive = finite.Where(v => v > 0).ToList();
                var lo = Math.Pow(10, Math.Floor(Math.Log10(positive.DefaultIfEmpty(1).Min())));
                var hi = Math.Pow(10, Math.Ceiling(Math.Log10(positive.DefaultIfEmpty(10).Max())));
                if (hi <= lo)
                {
                    hi = lo * 10;
                }

                var ticks = new List<(double, string)>();
                for (var d = lo; d <= hi * 1.0001; d *= 10)
                {
                    foreach (var m in new[] { 1.0, 2.0, 5.0 })
                    {
                        if (d * m <= hi * 1.0001)
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
