using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Workers;

namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>A worker client whose calls do what the test's script says; a thrown exception becomes a reply as in the real client.</summary>
internal sealed class ScriptedWorkerClient : IWorkerClient
{
    private int _calls;

    /// <summary>By default every call answers class 1 for one row.</summary>
    public Func<string, CancellationToken, Task<float[]>> Behaviour { get; set; } = (_, _) => Task.FromResult(TestModels.Row(1, 1f));

    public int Calls => Volatile.Read(ref _calls);

    public async Task<WorkerReply> InferAsync(string endpoint, MemberModel member, ModelInput input, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        try
        {
            return WorkerReply.Answered(await Behaviour(endpoint, cancellationToken));
        }
        catch (Exception ex)
        {
            return WorkerCallFailures.Translate(ex, cancellationToken, timeout);
        }
    }

    public Task<WorkerReadiness> ProbeReadyAsync(string endpoint, string model, string version, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(new WorkerReadiness(true, "ready"));
}
