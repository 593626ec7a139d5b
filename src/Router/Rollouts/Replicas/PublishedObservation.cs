namespace EnsembleGrpc.Router.Rollouts.Replicas;

/// <summary>Counts one replica published: its row id (consumed once), who, the step it was routing at, and what it saw.</summary>
public sealed record PublishedObservation(long Id, string Replica, int Step, RolloutObservation Observation);
