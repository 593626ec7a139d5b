using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>
/// The five strategies computed independently of the router (plain loops in double precision, the meta-model run
/// directly), from member outputs fetched from the workers themselves.
/// </summary>
internal static class OfflineEnsemble
{
    private const int K = 10;

    public static int[] Predict(string strategy, IReadOnlyList<string> members, IReadOnlyDictionary<string, float[]> outputs, int count) => strategy switch
    {
        "bagging" => Weighted(members.Select(m => 1.0).ToArray(), members, outputs, count),
        "boosting" => Weighted(SammeFromRepository(members), members, outputs, count),
        "vote" => Vote(members, outputs, count),
        "best" => Argmax(outputs[members.OrderByDescending(Metric("validation_accuracy")).First()], count),
        "stacking" => Stacking(outputs, count),
        _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
    };

    private static int[] Weighted(double[] weights, IReadOnlyList<string> members, IReadOnlyDictionary<string, float[]> outputs, int count)
    {
        var result = new int[count];
        for (int r = 0; r < count; r++)
        {
            var row = new double[K];
            for (int m = 0; m < members.Count; m++)
            {
                for (int c = 0; c < K; c++)
                {
                    row[c] += weights[m] * outputs[members[m]][r * K + c];
                }
            }

            result[r] = Array.IndexOf(row, row.Max());
        }

        return result;
    }

    private static int[] Vote(IReadOnlyList<string> members, IReadOnlyDictionary<string, float[]> outputs, int count)
    {
        var result = new int[count];
        for (int r = 0; r < count; r++)
        {
            var votes = new int[K];
            var mean = new double[K];
            foreach (var m in members)
            {
                var row = outputs[m].AsSpan(r * K, K).ToArray();
                votes[Array.IndexOf(row, row.Max())]++;
                for (int c = 0; c < K; c++)
                {
                    mean[c] += row[c] / members.Count;
                }
            }

            int top = votes.Max();
            result[r] = Enumerable.Range(0, K).Where(c => votes[c] == top).OrderByDescending(c => mean[c]).First();
        }

        return result;
    }

    private static int[] Stacking(IReadOnlyDictionary<string, float[]> outputs, int count)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Models, "mnist_stacker", "config.json")));
        var order = config.RootElement.GetProperty("members").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var features = new float[count * order.Length * K];
        for (int r = 0; r < count; r++)
        {
            for (int m = 0; m < order.Length; m++)
            {
                Array.Copy(outputs[order[m]], r * K, features, (r * order.Length + m) * K, K);
            }
        }

        string model = Directory.GetDirectories(Path.Combine(RepoPaths.Models, "mnist_stacker"))
            .Where(d => int.TryParse(Path.GetFileName(d), out _)).OrderByDescending(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture)).First();
        using var session = new InferenceSession(Path.Combine(model, "model.onnx"));
        using var input = OrtValue.CreateTensorValueFromMemory(features, [count, order.Length * K]);
        using var runOptions = new RunOptions();
        using var results = session.Run(
            runOptions, [config.RootElement.GetProperty("inputs")[0].GetProperty("name").GetString()!], [input],
            [config.RootElement.GetProperty("outputs")[0].GetProperty("name").GetString()!]);
        var probabilities = results[0].GetTensorDataAsSpan<float>().ToArray();
        return Argmax(probabilities, count);
    }

    private static double[] SammeFromRepository(IReadOnlyList<string> members)
    {
        var alpha = members.Select(m => Metric("validation_error")(m)).Select(e => Math.Max(0, Math.Log((1 - e) / e) + Math.Log(K - 1))).ToArray();
        return alpha.Select(a => a / alpha.Sum()).ToArray();
    }

    private static Func<string, double> Metric(string name) => member =>
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Models, member, "config.json")));
        return config.RootElement.GetProperty("training").GetProperty(name).GetDouble();
    };

    private static int[] Argmax(float[] probabilities, int count) =>
        Enumerable.Range(0, count).Select(r =>
        {
            var row = probabilities.AsSpan(r * K, K).ToArray();
            return Array.IndexOf(row, row.Max());
        }).ToArray();
}
