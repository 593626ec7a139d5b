namespace EnsembleGrpc.InferenceServer.Repository;

/// <summary>A served model's lifecycle, as in Triton's model repository manager.</summary>
public enum ModelReadyState
{
    /// <summary>Reading the configuration, creating the session, warming up.</summary>
    Loading,

    /// <summary>Warmed up and answering requests.</summary>
    Ready,

    /// <summary>Failed to load; see the state's reason.</summary>
    Unavailable,

    /// <summary>Shutting down: queued and in-flight requests are drained, new ones refused.</summary>
    Unloading,
}
