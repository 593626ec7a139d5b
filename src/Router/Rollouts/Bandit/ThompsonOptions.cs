namespace EnsembleGrpc.Router.Rollouts.Bandit;

/// <summary>
/// How the Thompson-sampling shares move: every arm keeps at least <see cref="MinShare"/> (an additive floor, so the
/// rest is split by the posterior, never clip-and-renormalise), no arm's share moves by more than
/// <see cref="MaxStep"/> per update, and each update draws <see cref="Draws"/> joint posterior samples.
/// </summary>
public sealed record ThompsonOptions
{
    /// <summary>Default 0.05: every arm keeps learning.</summary>
    public double MinShare { get; init; } = 0.05;

    /// <summary>Default 0.1 per update: a lucky streak cannot move all traffic at once.</summary>
    public double MaxStep { get; init; } = 0.1;

    /// <summary>Default 10,000.</summary>
    public int Draws { get; init; } = 10_000;

    /// <summary>Labelled rows each arm needs before the shares move at all; default 100.</summary>
    public long MinRowsPerArm { get; init; } = 100;
}
