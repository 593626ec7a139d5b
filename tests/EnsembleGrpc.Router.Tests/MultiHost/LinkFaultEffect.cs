namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>What a fault did while it was on, from the kernel's counters (or the delayer's own).</summary>
/// <param name="Packets">The host's packets the fault saw, both ways where it acts both ways.</param>
/// <param name="Dropped">Of those, the ones it dropped.</param>
/// <param name="Detail">One line for the test's table.</param>
internal sealed record LinkFaultEffect(long Packets, long Dropped, string Detail);
