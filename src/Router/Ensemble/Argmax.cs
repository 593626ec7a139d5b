namespace EnsembleGrpc.Router.Ensemble;

/// <summary>Row-wise argmax; the first index wins ties so results are deterministic.</summary>
public static class Argmax
{
    public static int[] Rows(ReadOnlySpan<float> values, int rows, int columns)
    {
        var result = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            result[r] = Row(values.Slice(r * columns, columns));
        }

        return result;
    }

    public static int Row(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best])
            {
                best = c;
            }
        }

        return best;
    }
}
