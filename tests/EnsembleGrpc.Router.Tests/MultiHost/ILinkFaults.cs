namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>Puts a <see cref="LinkFaultKind"/> on one host's link and takes it off again; <see cref="LinkFaults.Create"/> picks how.</summary>
internal interface ILinkFaults : IAsyncDisposable
{
    /// <summary>Exactly what <see cref="ApplyAsync"/> runs for <paramref name="kind"/>, for the test's output.</summary>
    string Describe(LinkFaultKind kind);

    Task ApplyAsync(NetnsHost host, LinkFaultKind kind);

    /// <summary>
    /// The host's packets the loss or partition applied to it has seen so far (it stays on), so that a phase can run
    /// until its drop rate is measured over enough packets, however little traffic the router chooses to send there.
    /// </summary>
    long PacketsSeen(NetnsHost host);

    /// <summary>Removes the fault; what it did, read from its counters.</summary>
    Task<LinkFaultEffect> ClearAsync(NetnsHost host);
}
