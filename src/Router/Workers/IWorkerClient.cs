using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Workers;

/// <summary>
/// The router's edge out: calls to worker endpoints, without any resilience (the pipelines wrap them). Never throws
/// for a failed call: the outcome is a <see cref="WorkerReply"/>, with <see cref="Ensemble.MemberFailureKind.Cancelled"/>
/// when <c>cancellationToken</c> ended the call.
/// </summary>
public interface IWorkerClient
{
    /// <summary>Runs the member's model on <paramref name="input"/> at <paramref name="endpoint"/>.</summary>
    Task<WorkerReply> InferAsync(string endpoint, MemberModel member, ModelInput input, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Asks <paramref name="endpoint"/> whether it serves the model and version, within <paramref name="timeout"/>.</summary>
    Task<WorkerReadiness> ProbeReadyAsync(string endpoint, string model, string version, TimeSpan timeout, CancellationToken cancellationToken);
}
