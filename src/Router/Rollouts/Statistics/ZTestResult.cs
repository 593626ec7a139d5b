namespace EnsembleGrpc.Router.Rollouts.Statistics;

/// <summary>A fixed-horizon two-proportion z-test: D = p_B − p_A, z against the null difference, p-values and a (1 − α) interval.</summary>
public sealed record ZTestResult(double Estimate, double StandardError, double Z, double TwoSidedPValue, double UpperPValue, double Lower, double Upper);
