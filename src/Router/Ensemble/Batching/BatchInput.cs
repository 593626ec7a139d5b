using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Ensemble.Batching;

/// <summary>Joins the inputs of a batch into one worker input and splits the member's answer back by rows.</summary>
internal static class BatchInput
{
    public static ModelInput Concatenate(IReadOnlyList<PendingCall> batch)
    {
        int rows = 0;
        foreach (var call in batch)
        {
            rows += call.Input.BatchSize;
        }

        var data = new float[rows * ModelInput.PixelsPerImage];
        int offset = 0;
        foreach (var call in batch)
        {
            call.Input.Data.CopyTo(data, offset);
            offset += call.Input.Data.Length;
        }

        return new ModelInput(data, rows);
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
