namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>A request's place among those in flight, released on dispose; <see cref="Result"/> says whether it got one.</summary>
public readonly struct AdmissionTicket : IDisposable
{
    private readonly AdmissionSlot? _slot;

    internal AdmissionTicket(AdmissionResult result, AdmissionSlot? slot, TimeSpan retryAfter = default)
    {
        Result = result;
        _slot = slot;
        RetryAfter = retryAfter;
    }

    public AdmissionResult Result { get; }

    /// <summary>For a refusal: how long the caller should wait before it tries again (<see cref="RetryPushback"/>).</summary>
    public TimeSpan RetryAfter { get; }

    public bool Admitted => Result == AdmissionResult.Admitted;

    /// <summary>Frees the slot; a second dispose does nothing.</summary>
    public void Dispose() => _slot?.Free();
}
