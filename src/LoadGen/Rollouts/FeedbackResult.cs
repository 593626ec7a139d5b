using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>How one SubmitFeedback call ended: accepted, or the status it failed with.</summary>
public readonly record struct FeedbackResult(StatusCode Status)
{
    public bool Accepted => Status == StatusCode.OK;
}
