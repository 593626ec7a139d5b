namespace EnsembleGrpc.Router.Tests.Preprocessing;

/// <summary>Digits drawn as thick polylines on a canvas, for the normalisation tests; and measures of the result.</summary>
internal static class SyntheticDigits
{
    /// <summary>A "7" in the canvas's unit square: a top bar and a slanted stem.</summary>
    public static readonly (double X, double Y)[] Seven = [(0.2, 0.2), (0.8, 0.2), (0.45, 0.85)];

    /// <summary>
    /// Draws the polyline (coordinates 0..1 of the region [left, top, left + size, top + size]) with the given stroke
    /// width on a canvas of paper; every pixel whose centre is within half the width of the line is ink.
    /// </summary>
    public static byte[] Draw(int height, int width, (double X, double Y)[] line, double stroke, byte ink, byte paper,
        double left = 0, double top = 0, double size = -1)
    {
        size = size < 0 ? Math.Min(height, width) : size;
        var image = new byte[height * width];
        Array.Fill(image, paper);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int s = 0; s + 1 < line.Length; s++)
                {
                    var (ax, ay) = (left + line[s].X * size, top + line[s].Y * size);
                    var (bx, by) = (left + line[s + 1].X * size, top + line[s + 1].Y * size);
                    if (Distance(x + 0.5, y + 0.5, ax, ay, bx, by) <= stroke / 2)
                    {
                        image[y * width + x] = ink;
                    }
                }
            }
        }

        return image;
    }

    private static double Distance(double px, double py, double ax, double ay, double bx, double by)
    {
        double dx = bx - ax, dy = by - ay;
        double t = Math.Clamp(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0, 1);
        return Math.Sqrt(Math.Pow(px - (ax + t * dx), 2) + Math.Pow(py - (ay + t * dy), 2));
    }

    /// <summary>Intensity-weighted centre (row, column) of a 28×28 input.</summary>
    public static (double Y, double X) CentreOfMass(ReadOnlySpan<float> image)
    {
        double sum = 0, sy = 0, sx = 0;
        for (int i = 0; i < image.Length; i++)
        {
            (sum, sy, sx) = (sum + image[i], sy + image[i] * (i / 28), sx + image[i] * (i % 28));
        }

        return (sy / sum, sx / sum);
    }

    /// <summary>Height and width of the box around the pixels above <paramref name="floor"/>.</summary>
    public static (int Height, int Width) InkSize(ReadOnlySpan<float> image, float floor = 0f)
    {
        int y0 = 28, y1 = -1, x0 = 28, x1 = -1;
        for (int i = 0; i < image.Length; i++)
        {
            if (image[i] > floor)
            {
                (y0, y1, x0, x1) = (Math.Min(y0, i / 28), Math.Max(y1, i / 28), Math.Min(x0, i % 28), Math.Max(x1, i % 28));
            }
        }

        return (y1 - y0 + 1, x1 - x0 + 1);
    }

    public static float MaxDifference(float[] a, float[] b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
}
