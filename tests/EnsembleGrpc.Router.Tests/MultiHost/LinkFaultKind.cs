namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>A fault on one host's link.</summary>
internal enum LinkFaultKind
{
    /// <summary>50 ms added to every packet the host sends.</summary>
    Delay,

    /// <summary>5% of the packets lost, both ways.</summary>
    Loss,

    /// <summary>Nothing gets through, both ways, and nothing is refused: the router sees silence.</summary>
    Partition,
}
