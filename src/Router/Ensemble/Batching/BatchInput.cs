using System.Buffers;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Ensemble.Batching;

/// <summary>Joins the inputs of a batch into one worker input and splits the member's answer back by rows.</summary>
internal static class BatchInput
{
    /// <summary>
    /// The batch's rows in one input over a buffer rented from the shared pool: from 28 rows on, a batch is larger than
    /// 85,000 bytes and a new array would land on the large object heap, which only full collections free (at c=64
    /// that heap held 6-18 MB). Give the buffer back with <see cref="Return"/> once no call can read it.
    /// </summary>
    public static ModelInput Concatenate(IReadOnlyList<PendingCall> batch)
    {
        int rows = 0;
        foreach (var call in batch)
        {
            rows += call.Input.BatchSize;
        }

        var data = ArrayPool<float>.Shared.Rent(rows * ModelInput.PixelsPerImage);
        int offset = 0;
        foreach (var call in batch)
        {
            call.Input.Values.CopyTo(data.AsSpan(offset));
            offset += call.Input.Length;
        }

        return ModelInput.OverRented(data, rows);
    }

    /// <summary>Returns the buffer of a batch made by <see cref="Concatenate"/> to the pool.</summary>
    public static void Return(ModelInput input)
    {
        if (input.RentedBuffer is { } buffer)
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Gives every request its rows of a successful answer, or the batch's failure. An answer with the wrong number
    /// of values cannot be split: every request gets it as an invalid output.
    /// </summary>
    public static void Distribute(IReadOnlyList<PendingCall> batch, MemberOutcome outcome)
    {
        int rows = 0;
        foreach (var call in batch)
        {
            rows += call.Input.BatchSize;
        }

        if (outcome.Succeeded && outcome.Probabilities!.Length != rows * OutputValidator.Classes)
        {
            outcome = outcome with
            {
                Probabilities = null,
                Failure = MemberFailureKind.InvalidOutput,
                Error = $"{outcome.Probabilities!.Length} values for a batch of {rows} rows of {OutputValidator.Classes} classes",
            };
        }

        int offset = 0;
        foreach (var call in batch)
        {
            int length = call.Input.BatchSize * OutputValidator.Classes;
            call.TryComplete(outcome.Succeeded
                ? outcome with { Member = call.Member.Name, Probabilities = outcome.Probabilities.AsSpan(offset, length).ToArray() }
                : outcome with { Member = call.Member.Name });
            offset += length;
        }
    }
}
