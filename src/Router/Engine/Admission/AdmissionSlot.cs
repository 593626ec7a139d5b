namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>One admitted request's slot; freeing it a second time (a copied ticket disposed again) does nothing.</summary>
internal sealed class AdmissionSlot(AdmissionGate gate)
{
    private int _freed;

    public void Free()
    {
        if (Interlocked.Exchange(ref _freed, 1) == 0)
        {
            gate.Release();
        }
    }
}
