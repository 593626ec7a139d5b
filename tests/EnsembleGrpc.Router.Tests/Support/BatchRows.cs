using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>
/// Inputs whose rows carry a marker (every pixel of a row is the marker), and answers that echo each row's marker in
/// its first class, so that a test can tell which request's rows went where.
/// </summary>
internal static class BatchRows
{
    public const int Classes = 10;

    /// <summary>One row per marker, in order.</summary>
    public static ModelInput Input(params float[] markers)
    {
        var data = new float[markers.Length * ModelInput.PixelsPerImage];
        for (int row = 0; row < markers.Length; row++)
        {
            Array.Fill(data, markers[row], row * ModelInput.PixelsPerImage, ModelInput.PixelsPerImage);
        }

        return new ModelInput(data, markers.Length);
    }

    /// <summary>The marker of every row of <paramref name="input"/>.</summary>
    public static float[] Markers(ModelInput input) =>
        Enumerable.Range(0, input.BatchSize).Select(row => input.Values[row * ModelInput.PixelsPerImage]).ToArray();

    /// <summary>An answer of <see cref="Classes"/> values per row, the row's marker first.</summary>
    public static float[] Echo(ModelInput input)
    {
        var answer = new float[input.BatchSize * Classes];
        var markers = Markers(input);
        for (int row = 0; row < markers.Length; row++)
        {
            answer[row * Classes] = markers[row];
        }

        return answer;
    }

    /// <summary>The first-class values of an answer: the markers of the rows it answered.</summary>
    public static float[] AnsweredMarkers(float[] probabilities) =>
        Enumerable.Range(0, probabilities.Length / Classes).Select(row => probabilities[row * Classes]).ToArray();
}
