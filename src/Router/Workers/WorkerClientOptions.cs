namespace EnsembleGrpc.Router.Workers;

/// <summary>How the router talks to workers.</summary>
public sealed class WorkerClientOptions
{
    /// <summary>HTTP/2 connections per worker endpoint. Default 2: the router multiplexes many concurrent calls.</summary>
    public int ConnectionsPerEndpoint { get; set; } = 2;

    /// <summary>
    /// Added to the member timeout for the deadline sent to the worker, so that the router's own timeout fires first
    /// (a clean TimeoutRejectedException) while the worker can still drop work nobody waits for. Default 100 ms.
    /// </summary>
    public TimeSpan DeadlineSlack { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Name of the members' input tensor. Default "input".</summary>
    public string InputName { get; set; } = "input";

    /// <summary>Name of the members' output tensor. Default "probabilities".</summary>
    public string OutputName { get; set; } = "probabilities";
}
