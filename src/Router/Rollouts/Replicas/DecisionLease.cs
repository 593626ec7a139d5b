namespace EnsembleGrpc.Router.Rollouts.Replicas;

/// <summary>
/// The decider's lease as granted: who holds it, its epoch (raised at every change of holder, stored with each
/// decision so a log shows who decided under which lease) and when it expires unless renewed.
/// </summary>
public sealed record DecisionLease(string Holder, long Epoch, DateTimeOffset ExpiresAt)
{
    public bool ValidAt(DateTimeOffset now) => now < ExpiresAt;
}
