using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>Calls one member (one of its replicas, through that replica's resilience pipeline for the lane).</summary>
public interface IMemberInvoker
{
    /// <summary>Never throws: every outcome, the caller's cancellation included, is returned as a value.</summary>
    Task<MemberOutcome> InvokeAsync(MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken);
}
