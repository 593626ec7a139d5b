using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>
/// One inference call to one worker endpoint, without any resilience (the pipeline wraps it). Throws on failure
/// (RpcException for gRPC statuses); returns the member's [N × classes] probabilities.
/// </summary>
public interface IWorkerClient
{
    Task<float[]> InferAsync(string endpoint, MemberModel member, ModelInput input, TimeSpan timeout, CancellationToken cancellationToken);
}
