namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>A request's place among those in flight, released on dispose; <see cref="Result"/> says whether it got one.</summary>
public readonly struct AdmissionTicket : IDisposable
{
    private readonly AdmissionSlot? _slot;

    internal AdmissionTicket(AdmissionResult result, AdmissionSlot? slot)
    {
        Result = result;
        _slot = slot;
    }

    public AdmissionResult Result { get; }

    public bool Admitted => Result == AdmissionResult.Admitted;

    /// <summary>Frees the slot; a second dispose does nothing.</summary>
    public void Dispose() => _slot?.Free();
}
