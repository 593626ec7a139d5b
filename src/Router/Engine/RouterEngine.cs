using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Engine.Admission;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Assignment;

namespace EnsembleGrpc.Router.Engine;

/// <summary>
/// The router's one protocol-free entry point: a request in, an answer or a <see cref="RouterError"/> out. It resolves
/// the virtual model, preprocesses the input once, chooses the arm (the strategy the client named, else the traffic
/// assignment), runs it (<see cref="TrafficRouter"/>: fan-out, aggregation, fallback, shadow, experiment records) and
/// keeps the model's statistics. The gRPC front end, and any other, only maps its protocol to and from this.
/// </summary>
public sealed class RouterEngine(
    RoutingConfigProvider config,
    ImagePreprocessor preprocessor,
    ITrafficAssignment assignment,
    AggregationStrategies strategies,
    TrafficRouter router,
    TrafficStatistics statistics,
    AdmissionController admission,
    TimeProvider time,
    IRequestObserver? observer = null)
{
    /// <summary>The one version of every ensemble.</summary>
    public const string Version = "1";

    /// <summary>Every served ensemble, by name.</summary>
    public IReadOnlyDictionary<string, EnsembleModel> Ensembles => config.Current.Ensembles;

    /// <summary>
    /// The served ensemble of that name and version, else the error naming what is served. An empty version means
    /// the one version, as in Triton.
    /// </summary>
    public EnsembleModel? Resolve(string name, string version, out RouterError error, out string? message)
    {
        var ensembles = Ensembles;
        if (!ensembles.TryGetValue(name, out var ensemble))
        {
            (error, message) = (RouterError.ModelNotFound, $"model '{name}' is not served by this router; models: {string.Join(", ", ensembles.Keys)}.");
            return null;
        }

        if (version is not ("" or Version))
        {
            (error, message) = (RouterError.VersionNotFound, $"model '{name}' has only version {Version}; asked for '{version}'.");
            return null;
        }

        (error, message) = (RouterError.None, null);
        return ensemble;
    }

    public ModelCounters Statistics(string ensemble) => statistics.Model(ensemble);

    public async Task<InferenceOutcome> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var ensemble = Resolve(request.Model, request.Version, out var error, out string? message);
        if (ensemble is null)
        {
            return InferenceOutcome.Failed(error, message!);
        }

        // Admission before any work on the request (the lookup above costs nothing), so that overload costs a
        // refused request a dictionary lookup and no more; the model is known, so the refusal shows in its statistics.
        // It counts the batch's rows as the client declared them; a batch the preprocessing will reject (over the
        // ensemble's max batch size) counts as one row, so that a client's oversize batches cost others nothing.
        using var ticket = await admission.AdmitAsync(Rows(request.Tensor, ensemble.MaxBatchSize), request.Client, cancellationToken).ConfigureAwait(false);
        var outcome = ticket.Admitted
            ? await RunAsync(ensemble, request, cancellationToken).ConfigureAwait(false)
            : Refused(ticket, ensemble);
        if (!outcome.Answered)
        {
            RecordFailure(outcome, request.Arrival);
        }

        return outcome;
    }

    private static int Rows(ImageTensor? tensor, int maxBatchSize) =>
        tensor is { Shape.Count: >= 3 } && tensor.Shape[0] >= 1 && tensor.Shape[0] <= maxBatchSize ? (int)tensor.Shape[0] : 1;

    private InferenceOutcome Refused(AdmissionTicket ticket, EnsembleModel ensemble)
    {
        var o = admission.Options;
        if (ticket.Result == AdmissionResult.Cancelled)
        {
            return InferenceOutcome.Failed(RouterError.Cancelled, "the call was cancelled while waiting for admission", ensemble);
        }

        long retryMs = (long)ticket.RetryAfter.TotalMilliseconds;
        string message = ticket.Result == AdmissionResult.QueueTimeout
            ? $"the router is overloaded: no room ({o.MaxInFlight} requests, {o.MaxRowsInFlight} rows in flight) freed within {o.QueueTimeoutMs} ms; retry after {retryMs} ms"
            : $"the router is overloaded: {o.MaxInFlight} requests or {o.MaxRowsInFlight} rows in flight and {o.QueueLimit} requests waiting; retry after {retryMs} ms";
        return InferenceOutcome.Failed(RouterError.Shed, message, ensemble) with { RetryAfter = ticket.RetryAfter };
    }

    /// <summary>Counts an answered request in the model's statistics once the front end has encoded it.</summary>
    public void RecordAnswered(InferenceOutcome outcome, long arrival, long decodeStart, long encoded)
    {
        statistics.Model(outcome.Ensemble!.Name).RecordSuccess(
            new RequestTimings(arrival, decodeStart, outcome.InputReady, outcome.FanOutStart, outcome.Aggregated, encoded),
            outcome.BatchSize, time.GetUtcNow().ToUnixTimeMilliseconds());
        observer?.Answered(outcome, arrival, encoded);
    }

    /// <summary>Counts a request of a resolved ensemble that got no answer (also one the front end failed to encode).</summary>
    public void RecordFailure(InferenceOutcome outcome, long arrival)
    {
        if (outcome.Ensemble is { } ensemble)
        {
            long end = time.GetTimestamp();
            statistics.Model(ensemble.Name).RecordFailure(end - arrival);
            observer?.Failed(outcome, arrival, end);
        }
    }

    private async Task<InferenceOutcome> RunAsync(EnsembleModel ensemble, InferenceRequest request, CancellationToken cancellationToken)
    {
        if (request.Tensor is null)
        {
            return InferenceOutcome.Failed(RouterError.InvalidInput, request.TensorError ?? "the request has no input tensor.", ensemble);
        }

        var steps = PreprocessStepsParser.Parse(request.PreprocessSkip, out string? badSteps);
        if (steps is null)
        {
            return InferenceOutcome.Failed(RouterError.InvalidInput, badSteps!, ensemble);
        }

        var preprocessed = preprocessor.Preprocess(request.Tensor, ensemble.MaxBatchSize, steps.Value);
        if (preprocessed.Input is not { } input)
        {
            return InferenceOutcome.Failed(RouterError.InvalidInput, preprocessed.Error!, ensemble);
        }

        long inputReady = time.GetTimestamp();
        var arm = ChooseArm(ensemble, request.Strategy, request.RoutingKey, out string? invalid);
        if (arm is null)
        {
            return InferenceOutcome.Failed(RouterError.InvalidInput, invalid!, ensemble);
        }

        // The arm is recorded with the request id; a request without an id gets one, echoed so feedback can refer to it.
        string requestId = string.IsNullOrEmpty(request.Id) ? Guid.NewGuid().ToString("N") : request.Id;
        long fanOutStart = time.GetTimestamp();
        var routed = await router.RouteAsync(ensemble, arm, input, requestId, cancellationToken).ConfigureAwait(false);
        var result = routed.Result;
        return new InferenceOutcome
        {
            Error = ErrorOf(result, out var rejectedAs),
            Message = result.Message,
            RejectedAs = rejectedAs,
            Ensemble = ensemble,
            Arm = arm,
            RequestId = requestId,
            Result = result,
            BatchSize = input.BatchSize,
            InputReady = inputReady,
            FanOutStart = fanOutStart,
            Aggregated = time.GetTimestamp(),
        };
    }

    /// <summary>The arm for a request: the one with the strategy it names, else the traffic assignment's choice.</summary>
    private ArmModel? ChooseArm(EnsembleModel ensemble, string? strategy, string? routingKey, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(strategy))
        {
            return assignment.Assign(ensemble, routingKey);
        }

        var arm = ensemble.FindArmByStrategy(strategy);
        if (arm is null)
        {
            var available = ensemble.Arms.Select(a => a.Strategy).Distinct();
            error = strategies.TryGet(strategy, out _)
                ? $"ensemble '{ensemble.Name}' has no arm with strategy '{strategy}'; available: {string.Join(", ", available)}."
                : $"unknown ensemble_strategy '{strategy}'; strategies are {string.Join(", ", strategies.Names.Order(StringComparer.Ordinal))} (this ensemble offers {string.Join(", ", available)}).";
        }

        return arm;
    }

    /// <summary>The engine's error for a result: none when answered; Overloaded when every member that failed was busy.</summary>
    public static RouterError ErrorOf(EnsembleResult result, out MemberFailureKind rejectedAs)
    {
        rejectedAs = MemberFailureKind.None;
        switch (result.Kind)
        {
            case EnsembleResultKind.Answered:
                return RouterError.None;
            case EnsembleResultKind.Cancelled:
                return RouterError.Cancelled;
            case EnsembleResultKind.Rejected:
                rejectedAs = result.Outcomes.Select(o => o.Failure).FirstOrDefault(k => k.IsCallerBlamed(), MemberFailureKind.RejectedInvalid);
                return RouterError.Rejected;
        }

        // Every member that did not answer was busy: nothing is broken, the client may retry later.
        bool allBusy = false;
        foreach (var outcome in result.Outcomes)
        {
            if (!outcome.Succeeded)
            {
                if (outcome.Failure != MemberFailureKind.Overloaded)
                {
                    return RouterError.Unavailable;
                }

                allBusy = true;
            }
        }

        return allBusy ? RouterError.Overloaded : RouterError.Unavailable;
    }
}
