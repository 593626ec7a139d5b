namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>Which waiting request gets a slot that frees (<see cref="AdmissionOptions.QueueOrder"/>).</summary>
public enum AdmissionQueueOrder
{
    /// <summary>Always the oldest.</summary>
    Fifo,

    /// <summary>
    /// The oldest while the queue empties now and then (a burst); the newest once it has stayed non-empty for
    /// <see cref="AdmissionOptions.CongestionMs"/> (overload), so that answers go to callers that have waited least
    /// and the oldest run into the queue timeout instead (adaptive LIFO, as Facebook's "Fail at Scale" describes).
    /// </summary>
    AdaptiveLifo,
}
