namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>
/// One client's share of the admission gate (a client is a connection, see <see cref="AdmissionController"/>): the
/// rows it has in flight and its requests waiting, oldest first. Kept by the gate, under its lock, only while either
/// is non-zero.
/// </summary>
internal sealed class AdmissionClient(string key)
{
    public string Key { get; } = key;

    /// <summary>Rows of this client's admitted requests not yet released.</summary>
    public int RowsInFlight { get; set; }

    /// <summary>This client's waiting requests, oldest first; made when it first waits.</summary>
    public LinkedList<AdmissionWaiter>? Queue { get; set; }

    public bool IsWaiting => Queue is { Count: > 0 };

    public bool IsIdle => RowsInFlight == 0 && !IsWaiting;
}
