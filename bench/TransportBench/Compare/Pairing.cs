using TransportBench.Measurement;
using TransportBench.Peers;

namespace TransportBench.Compare;

/// <summary>One client → server pairing of the comparison, with h2load against its server where that belongs to the row.</summary>
internal sealed record Pairing(string Name, Scenario Sequential, Scenario Concurrent, H2loadRun? H2load);
