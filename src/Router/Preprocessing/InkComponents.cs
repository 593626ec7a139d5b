namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// The ink as 8-connected components of the pixels above a threshold. Components under
/// <see cref="SpeckPercent"/>% of the largest one's area are specks (noise, dust, JPEG ringing): they are left out of
/// the box, and with <see cref="ClearAwayFromInk"/> the pixels not next to kept ink are cleared.
/// </summary>
public static class InkComponents
{
    /// <summary>A component this small relative to the largest (in percent of its area) is a speck.</summary>
    public const int SpeckPercent = 15;

    /// <summary>
    /// Labels the ink of <paramref name="gray"/> (bins above <paramref name="threshold"/>) into the workspace's labels and
    /// returns the bounding box of the components kept (every component when <paramref name="dropSpecks"/> is off).
    /// </summary>
    public static InkBox Find(ReadOnlySpan<float> gray, int height, int width, int threshold, bool dropSpecks, NormalizerWorkspace ws)
    {
        var labels = ws.Labels.AsSpan(0, gray.Length);
        for (int i = 0; i < gray.Length; i++)
        {
            labels[i] = GrayHistogram.Bin(gray[i]) > threshold ? -1 : 0;
        }

        ws.Components.Clear();
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == -1)
            {
                Fill(labels, width, height, i, ws);
            }
        }

        int largest = 0;
        foreach (var c in ws.Components)
        {
            largest = Math.Max(largest, c.Area);
        }

        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (int k = 0; k < ws.Components.Count; k++)
        {
            var c = ws.Components[k];
            bool kept = !dropSpecks || c.Area * 100L >= (long)SpeckPercent * largest;
            ws.Components[k] = c with { Kept = kept };
            if (kept)
            {
                (x0, y0, x1, y1) = (Math.Min(x0, c.X0), Math.Min(y0, c.Y0), Math.Max(x1, c.X1), Math.Max(y1, c.Y1));
            }
        }

        return x1 < 0 ? default : new InkBox(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    /// <summary>
    /// Clears every pixel that is not a kept component's pixel or its 8-neighbour (the one-pixel antialiased fringe
    /// stays). Call after <see cref="Find"/> on the same image.
    /// </summary>
    public static void ClearAwayFromInk(Span<float> gray, int height, int width, NormalizerWorkspace ws)
    {
        var labels = ws.Labels.AsSpan(0, gray.Length);
        var near = ws.Near.AsSpan(0, gray.Length);
        near.Clear();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int label = labels[y * width + x];
                if (label > 0 && ws.Components[label - 1].Kept)
                {
                    for (int yy = Math.Max(0, y - 1); yy <= Math.Min(height - 1, y + 1); yy++)
                    {
                        near.Slice(yy * width + Math.Max(0, x - 1), Math.Min(width - 1, x + 1) - Math.Max(0, x - 1) + 1).Fill(1);
                    }
                }
            }
        }

        for (int i = 0; i < gray.Length; i++)
        {
            if (near[i] == 0)
            {
                gray[i] = 0;
            }
        }
    }

    /// <summary>Flood fill from <paramref name="seed"/> with an explicit stack (no recursion: a stroke can be long).</summary>
    private static void Fill(Span<int> labels, int width, int height, int seed, NormalizerWorkspace ws)
    {
        int label = ws.Components.Count + 1;
        var stack = ws.Stack;
        int top = 0;
        stack[top++] = seed;
        labels[seed] = label;
        var c = new InkComponent(0, seed % width, seed / width, seed % width, seed / width, Kept: false);
        while (top > 0)
        {
            int i = stack[--top];
            int x = i % width, y = i / width;
            c = c with { Area = c.Area + 1, X0 = Math.Min(c.X0, x), Y0 = Math.Min(c.Y0, y), X1 = Math.Max(c.X1, x), Y1 = Math.Max(c.Y1, y) };
            for (int yy = Math.Max(0, y - 1); yy <= Math.Min(height - 1, y + 1); yy++)
            {
                for (int xx = Math.Max(0, x - 1); xx <= Math.Min(width - 1, x + 1); xx++)
                {
                    int j = yy * width + xx;
                    if (labels[j] == -1)
                    {
                        labels[j] = label;
                        stack[top++] = j;
                    }
                }
            }
        }

        ws.Components.Add(c);
    }
}
