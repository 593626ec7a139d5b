using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>A copy of a primary request for the shadow arm: the same preprocessed input and the primary's answer.</summary>
public sealed record ShadowWorkItem(string RequestId, EnsembleModel Ensemble, ArmModel Arm, ModelInput Input, int[] PrimaryPredictions);
