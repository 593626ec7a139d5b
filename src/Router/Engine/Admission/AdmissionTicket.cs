using System.Threading.RateLimiting;

namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>A request's place among those in flight, released on dispose; <see cref="Result"/> says whether it got one.</summary>
public readonly struct AdmissionTicket : IDisposable
{
    private readonly RateLimitLease? _lease;

    internal AdmissionTicket(AdmissionResult result, RateLimitLease? lease)
    {
        Result = result;
        _lease = lease;
    }

    public AdmissionResult Result { get; }

    public bool Admitted => Result == AdmissionResult.Admitted;

    public void Dispose() => _lease?.Dispose();
}
