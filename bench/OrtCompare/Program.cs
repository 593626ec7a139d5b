using System.Globalization;
using EnsembleGrpc.Datasets;
using InferenceBench;

// Part 1 of bench/inference.sh alone: see OrtCompare.csproj and bench/README.md ("ONNX Runtime: old binding vs
// managed API"). Measure mode prints one tab-separated line per (model, batch); --table summarises such lines.
//   OrtCompare --label new --rep 1 --root . --models mnist_cnn_1 --batches 8,16,32,64 --threads 2 --seconds 1 [--device cuda]
//   OrtCompare --table results.tsv --baseline old --candidate new
var options = OrtCompareOptions.Parse(args);
if (options.TablePath is { } table)
{
    Console.Write(OrtCompareTable.Render(File.ReadAllLines(table), options.Baseline, options.Candidate));
    return 0;
}

var dataset = EgdsDataset.Load(Path.Combine(options.Root, "models", "data", "mnist-test.bin"));
var batches = options.Batches.Prepend(1).Distinct().ToArray();
foreach (var model in options.Models)
{
    var path = Path.Combine(options.Root, "models", model, "1", "model.onnx");
#if OLD_BINDING
    if (options.Device != "cpu")
    {
        throw new ArgumentException("the old binding's part 1 runs on the CPU only");
    }

    using var runner = new OrtThroughput(model, path, dataset);
#else
    using var runner = new OrtThroughput(model, path, dataset, options.Device);
#endif
    // Untimed runs of every batch size first (JIT, ORT's first-run allocations), as InferenceBench does.
    foreach (var batch in batches)
    {
        runner.Measure(batch, options.Threads, TimeSpan.FromSeconds(options.WarmupSeconds));
    }

    foreach (var batch in batches)
    {
        var s = runner.Measure(batch, options.Threads, TimeSpan.FromSeconds(options.Seconds));
        Console.WriteLine(string.Join('\t', options.Label, options.Rep.ToString(CultureInfo.InvariantCulture), model, batch.ToString(CultureInfo.InvariantCulture),
            s.P50Us.ToString("0.0", CultureInfo.InvariantCulture), s.ImagesPerSecond.ToString("0", CultureInfo.InvariantCulture), s.CpuUsPerImage.ToString("0.00", CultureInfo.InvariantCulture)));
    }
}

return 0;
