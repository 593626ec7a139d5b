using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>The arm a request was served by and what it produced.</summary>
public sealed record RoutedResult(ArmModel Arm, EnsembleResult Result, TimeSpan Latency);
