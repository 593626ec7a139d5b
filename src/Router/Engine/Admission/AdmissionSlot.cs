namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>One admitted request's rows; freeing them a second time (a copied ticket disposed again) does nothing.</summary>
internal sealed class AdmissionSlot(AdmissionGate gate, int rows, AdmissionClient client)
{
    private int _freed;

    public void Free()
    {
        if (Interlocked.Exchange(ref _freed, 1) == 0)
        {
            gate.Release(rows, client);
        }
    }
}
