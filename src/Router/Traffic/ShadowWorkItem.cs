using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>
/// A copy of a primary request for the shadow arm: the same preprocessed input and the primary's answer, and, when the
/// shadow arm's members are all members of the primary's arm, their outcomes in the shadow arm's member order (the
/// shadow then aggregates them again instead of calling the workers).
/// </summary>
public sealed record ShadowWorkItem(string RequestId, EnsembleModel Ensemble, ArmModel Arm, ModelInput Input, int[] PrimaryPredictions, IReadOnlyList<MemberOutcome>? PrimaryOutcomes = null);
