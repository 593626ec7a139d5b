using System.CommandLine;
using EnsembleGrpc.LoadGen.Faults;
using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Cli;

/// <summary>
/// The command line: every option with its help text, and the binding of a parse result to validated
/// <see cref="RunSettings"/> (every error reported at once).
/// </summary>
public sealed class LoadGenCommand
{
    // Target and request.
    private readonly Option<string> _target = new("--target", "-t") { HelpName = "url", Description = "Address of an endpoint speaking the Open Inference Protocol over gRPC: a worker or the router, e.g. http://127.0.0.1:8001.", Required = true };
    private readonly Option<string> _model = new("--model", "-m") { HelpName = "name", Description = "Model name sent with every request.", Required = true };
    private readonly Option<string?> _modelVersion = new("--model-version") { HelpName = "version", Description = "Model version (default: the server's choice)." };
    private readonly Option<string> _input = new("--input") { Description = "Request tensors: 'dataset' (the committed test split: real digits, so answer accuracy is reported) or 'random'.", DefaultValueFactory = _ => "dataset" };
    private readonly Option<string> _dataset = new("--dataset") { HelpName = "file", Description = "EGDS data set file for --input dataset.", DefaultValueFactory = _ => "models/data/mnist-test.bin" };
    private readonly Option<string?> _inputName = new("--input-name") { HelpName = "name", Description = "Name of the model's input tensor (default: from the model's metadata: its only input, or 'input')." };
    private readonly Option<string> _inputShape = new("--input-shape") { HelpName = "dims", Description = "Shape of one row for --input random, without the batch dimension.", DefaultValueFactory = _ => "1,28,28" };
    private readonly Option<string?> _outputName = new("--output-name") { HelpName = "name", Description = "Output tensor with the class scores (argmax = predicted class); '' to request every output and use the first. Default: from the model's metadata: 'probabilities', its only output, or every output." };
    private readonly Option<int> _batch = new("--batch-size", "-b") { HelpName = "rows", Description = "Rows per request.", DefaultValueFactory = _ => 1 };
    private readonly Option<string?> _strategy = new("--strategy") { HelpName = "name", Description = "Request parameter ensemble_strategy (router): bagging, boosting, stacking, vote, best." };
    private readonly Option<string?> _routingKey = new("--routing-key") { HelpName = "pattern", Description = "Routing key pattern sent as request parameter routing_key; {i} is the request number, e.g. user-{i}." };
    private readonly Option<long> _routingKeys = new("--routing-keys") { HelpName = "count", Description = "Distinct routing keys: {i} cycles through 0..N-1 (0: a new key per request).", DefaultValueFactory = _ => 0 };
    private readonly Option<string[]> _params = new("--param") { HelpName = "key=value", Description = "Extra string request parameter key=value (repeatable).", AllowMultipleArgumentsPerToken = false };

    // Load.
    private readonly Option<string?> _concurrency = new("--concurrency", "-c") { HelpName = "levels", Description = "Closed loop: requests in flight. One value, a list (1,2,8) or a sweep start:end:step with an added or x-multiplied step (1:64:x2). Default 1 when no --rate is given." };
    private readonly Option<string?> _rate = new("--rate", "-r") { HelpName = "levels", Description = "Open loop: requests per second, sent on schedule whatever the server does; latency counts from the intended send time. One value, a list or a sweep (100:1000:100, 50:3200:x2)." };
    private readonly Option<string> _arrivals = new("--arrivals") { Description = "Open-loop arrivals: constant spacing or a Poisson process.", DefaultValueFactory = _ => "constant" };
    private readonly Option<int> _seed = new("--seed") { HelpName = "int", Description = "Seed of the Poisson arrivals and random tensors.", DefaultValueFactory = _ => 1 };
    private readonly Option<string?> _searchP99 = new("--search-p99") { HelpName = "duration", Description = "Search the highest rate in the --rate range (low:high) whose p99 stays under this latency (e.g. 20ms), by binary search." };
    private readonly Option<int> _maxOutstanding = new("--max-outstanding") { HelpName = "count", Description = "Open loop: requests in flight at most; further sends wait and count as late.", DefaultValueFactory = _ => 10_000 };
    private readonly Option<bool> _obeyPushback = new("--obey-pushback") { Description = "Closed loop: a client whose request was refused with a retry pushback (grpc-retry-pushback-ms, sent by the router's admission control) waits that long before its next request, as gRPC clients with a retry policy do. Default: it sends again at once, the hardest case for the server." };
    private readonly Option<string> _lateThreshold = new("--late-threshold") { HelpName = "duration", Description = "A send leaving more than this after its intended time counts as late.", DefaultValueFactory = _ => "1ms" };

    // Measurement.
    private readonly Option<string> _warmup = new("--warmup") { HelpName = "duration", Description = "Load before each step's measurement starts; not measured.", DefaultValueFactory = _ => "2s" };
    private readonly Option<string> _window = new("--measurement-window", "-w") { HelpName = "duration", Description = "Length of one measurement window.", DefaultValueFactory = _ => "2s" };
    private readonly Option<double> _stability = new("--stability") { HelpName = "percent", Description = "A step is stable when throughput and p99 of its last 3 windows stay within this percentage of their mean.", DefaultValueFactory = _ => 10 };
    private readonly Option<int> _maxWindows = new("--max-windows") { HelpName = "count", Description = "Windows per step at most; the step is reported as not stable when it gets there.", DefaultValueFactory = _ => 10 };
    private readonly Option<string?> _maxStepTime = new("--max-step-time") { HelpName = "duration", Description = "Bound on one step, warm-up included (default: warm-up + max windows × window × 2). A step that gets there ends, reports 'no stable window: <reason>', and LoadGen exits with 3." };

    // Transport.
    private readonly Option<int> _connections = new("--connections") { HelpName = "count", Description = "HTTP/2 connections to the target, used round-robin.", DefaultValueFactory = _ => 4 };
    private readonly Option<string> _deadline = new("--deadline") { HelpName = "duration", Description = "Per-request deadline (grpc-timeout); a late answer counts as DEADLINE_EXCEEDED.", DefaultValueFactory = _ => "5s" };
    private readonly Option<string[]> _serverStats = new("--server-stats") { HelpName = "url[=model]", Description = "Where ModelStatistics are read before and after each step's measured windows (repeatable): URL=MODEL reads that model, URL alone every model the server reports, e.g. the router and each worker behind it. Default: the target's --model. Shows queue and compute time per request of each source beside client latency.", AllowMultipleArgumentsPerToken = false };
    private readonly Option<bool> _noServerStats = new("--no-server-stats") { Description = "Do not read ModelStatistics." };

    // Fault scenario.
    private readonly Option<string?> _faultStart = new("--fault-start") { HelpName = "duration", Description = "Fault scenario: when the fault begins, from the start of measurement (e.g. 10s)." };
    private readonly Option<string?> _faultDuration = new("--fault-duration") { HelpName = "duration", Description = "Fault scenario: how long the fault lasts (e.g. 5s)." };
    private readonly Option<string?> _duration = new("--duration") { HelpName = "duration", Description = "Fault scenario: measured run length (default: fault start + duration + as long again as the start). With --rollout: the longest the run follows the rollout (default 10m)." };
    private readonly Option<string?> _faultWorker = new("--fault-worker-command") { HelpName = "command", Description = "Fault scenario: command line of a worker LoadGen starts itself before the run and breaks during the fault (it is up once it prints 'Now listening on')." };
    private readonly Option<string> _faultWorkerName = new("--fault-worker-name") { HelpName = "name", Description = "Name of that worker in the report.", DefaultValueFactory = _ => "worker" };
    private readonly Option<string> _faultAction = new("--fault-action") { Description = "What happens to the started worker: pause (SIGSTOP, then SIGCONT) or stop (kill, then start again).", DefaultValueFactory = _ => "pause" };
    private readonly Option<string?> _faultBegin = new("--fault-begin-command") { HelpName = "command", Description = "Fault scenario: shell command run when the fault begins instead, e.g. 'kill -STOP 1234'." };
    private readonly Option<string?> _faultEnd = new("--fault-end-command") { HelpName = "command", Description = "Shell command run when the fault ends, e.g. 'kill -CONT 1234'." };

    // Feedback and rollouts.
    private readonly Option<bool> _feedback = new("--feedback") { Description = "Feedback mode: for each answered request, send the router SubmitFeedback with the true labels of its rows (--input dataset), under the admin token." };
    private readonly Option<string?> _adminToken = new("--admin-token") { HelpName = "token", Description = "The router's admin token for --feedback (default: $ENSEMBLEGRPC_ADMIN_TOKEN)." };
    private readonly Option<string?> _rollout = new("--rollout") { HelpName = "ensemble", Description = "Follow this ensemble's rollout: one load level (--rate N or --concurrency N) until the rollout is promoted, rolled back or aborted (or --duration, default 10m), polling its view; writes PREFIX-rollout.json, PREFIX-rollout.txt and PREFIX-rollout-timeline.svg (share, accuracy, error and fallback rate, p95, decisions)." };
    private readonly Option<string> _rolloutPoll = new("--rollout-poll") { HelpName = "duration", Description = "How often --rollout reads the rollout's view.", DefaultValueFactory = _ => "1s" };

    // Output.
    private readonly Option<string?> _output = new("--output", "-o") { HelpName = "prefix", Description = "Report prefix: writes PREFIX.csv, PREFIX-server.csv (server side per statistics source), PREFIX-failures.csv (failures by status and server message), PREFIX.json, PREFIX-latency-throughput.svg, PREFIX-latency-distribution.svg (and PREFIX-fault-timeline.svg)." };
    private readonly Option<bool> _noLive = new("--no-live") { Description = "No live progress display; one line per measurement window instead." };

    public LoadGenCommand()
    {
        _input.AcceptOnlyFromAmong("dataset", "random");
        _arrivals.AcceptOnlyFromAmong("constant", "poisson");
        _faultAction.AcceptOnlyFromAmong("pause", "stop");
        Root = new RootCommand(
            "LoadGen: a latency profiler for Open Inference Protocol endpoints (a worker or the router). Closed loop at fixed "
            + "concurrency or a sweep; open loop at a fixed rate (constant or Poisson, no coordinated omission) or a sweep; a search "
            + "for the highest rate under a p99 limit; a fault scenario. Reports percentiles (±0.4%), errors by gRPC status, "
            + "accuracy, fallback rate, per-arm and per-strategy breakdowns and server-side queue/compute time, as console tables, "
            + "CSV, JSON and SVG plots. Ctrl-C stops cleanly and still writes the report.\n\n"
            + "Examples:\n"
            + "  loadgen --target http://127.0.0.1:8001 --model mnist_cnn_1 --concurrency 1:64:x2 --measurement-window 2s --output out/profile\n"
            + "  loadgen -t http://127.0.0.1:8000 -m mnist --strategy vote --rate 200:2000:200 --arrivals poisson -o out/rates\n"
            + "  loadgen -t http://127.0.0.1:8000 -m mnist --rate 100:5000 --search-p99 20ms\n"
            + "  loadgen -t http://127.0.0.1:8000 -m mnist --rate 500 --fault-start 10s --fault-duration 5s "
            + "--fault-begin-command 'kill -STOP 4242' --fault-end-command 'kill -CONT 4242' -o out/fault\n"
            + "  loadgen -t http://127.0.0.1:8000 -m mnist --rate 100 --feedback --rollout mnist -o out/canary");
        foreach (var option in new Option[]
        {
            _target, _model, _modelVersion, _input, _dataset, _inputName, _inputShape, _outputName, _batch, _strategy, _routingKey, _routingKeys, _params,
            _concurrency, _rate, _arrivals, _seed, _searchP99, _maxOutstanding, _obeyPushback, _lateThreshold,
            _warmup, _window, _stability, _maxWindows, _maxStepTime,
            _connections, _deadline, _serverStats, _noServerStats,
            _faultStart, _faultDuration, _duration, _faultWorker, _faultWorkerName, _faultAction, _faultBegin, _faultEnd,
            _feedback, _adminToken, _rollout, _rolloutPoll,
            _output, _noLive,
        })
        {
            Root.Options.Add(option);
        }
    }

    public RootCommand Root { get; }

    /// <summary>Binds and validates a parse result; null with every problem listed when it is not a valid run.</summary>
    public RunSettings? Bind(ParseResult result, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        TimeSpan Duration(Option<string> option)
        {
            var text = result.GetValue(option);
            if (!Durations.TryParse(text, out var value))
            {
                problems.Add($"{option.Name}: '{text}' is not a duration (e.g. 500ms, 2s).");
            }

            return value;
        }

        TimeSpan? OptionalDuration(Option<string?> option)
        {
            var text = result.GetValue(option);
            if (text is null)
            {
                return null;
            }

            if (!Durations.TryParse(text, out var value))
            {
                problems.Add($"{option.Name}: '{text}' is not a duration (e.g. 500ms, 2s).");
                return null;
            }

            return value;
        }

        IReadOnlyList<double>? Levels(Option<string?> option)
        {
            var text = result.GetValue(option);
            if (text is null)
            {
                return null;
            }

            if (!LoadLevels.TryParse(text, out var levels, out var error))
            {
                problems.Add($"{option.Name}: {error}.");
                return null;
            }

            return levels;
        }

        var target = result.GetValue(_target) ?? string.Empty;
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            problems.Add($"--target: '{target}' is not an http:// or https:// address.");
        }

        var concurrency = Levels(_concurrency);
        if (concurrency is not null && concurrency.Any(c => c != Math.Floor(c)))
        {
            problems.Add("--concurrency: levels must be whole numbers.");
        }

        var rates = Levels(_rate);
        var searchP99 = OptionalDuration(_searchP99);
        var faultStart = OptionalDuration(_faultStart);
        var faultDuration = OptionalDuration(_faultDuration);
        var runDuration = OptionalDuration(_duration);
        var faultRequested = faultStart is not null || faultDuration is not null || result.GetValue(_faultWorker) is not null || result.GetValue(_faultBegin) is not null;

        RunMode mode;
        var rolloutEnsemble = result.GetValue(_rollout);
        if (rolloutEnsemble is not null)
        {
            mode = RunMode.Rollout;
            if (faultRequested || searchP99 is not null || (rates?.Count ?? 1) > 1 || (concurrency?.Count ?? 1) > 1)
            {
                problems.Add("--rollout: one load level only (--rate N or --concurrency N), without a fault or a search.");
            }
        }
        else if (faultRequested)
        {
            mode = RunMode.Fault;
            if (faultStart is null || faultDuration is null)
            {
                problems.Add("fault scenario: both --fault-start and --fault-duration are needed.");
            }

            if ((result.GetValue(_faultWorker) is null) == (result.GetValue(_faultBegin) is null))
            {
                problems.Add("fault scenario: give either --fault-worker-command (LoadGen starts the worker) or --fault-begin-command (and --fault-end-command).");
            }

            if ((rates?.Count ?? 1) > 1 || (concurrency?.Count ?? 1) > 1)
            {
                problems.Add("fault scenario: one load level only (--rate N or --concurrency N).");
            }
        }
        else if (searchP99 is not null)
        {
            mode = RunMode.RateSearch;
            if (rates is null || rates.Count < 2)
            {
                problems.Add("--search-p99 needs the range to search as --rate low:high.");
            }
        }
        else
        {
            mode = rates is not null ? RunMode.RateSweep : RunMode.ConcurrencySweep;
        }

        if (rates is not null && concurrency is not null)
        {
            problems.Add("--rate (open loop) and --concurrency (closed loop) exclude each other.");
        }

        var shape = new List<long>();
        foreach (var part in (result.GetValue(_inputShape) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (long.TryParse(part, out var dim) && dim > 0)
            {
                shape.Add(dim);
            }
            else
            {
                problems.Add($"--input-shape: '{part}' is not a positive dimension.");
            }
        }

        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var p in result.GetValue(_params) ?? [])
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                problems.Add($"--param: '{p}' is not key=value.");
            }
            else
            {
                parameters.Add(new(p[..eq], p[(eq + 1)..]));
            }
        }

        void Positive(Option<int> option, int max = int.MaxValue)
        {
            var v = result.GetValue(option);
            if (v < 1 || v > max)
            {
                problems.Add($"{option.Name}: {v} is outside 1..{max}.");
            }
        }

        Positive(_batch);
        Positive(_connections, 64);
        Positive(_maxWindows, 1000);
        Positive(_maxOutstanding);
        var stability = result.GetValue(_stability);
        if (stability is <= 0 or > 100)
        {
            problems.Add($"--stability: {stability} is outside (0, 100] percent.");
        }

        var window = Duration(_window);
        if (window <= TimeSpan.Zero)
        {
            problems.Add("--measurement-window must be positive.");
        }

        var warmup = Duration(_warmup);
        var maxStepTime = OptionalDuration(_maxStepTime);
        if (maxStepTime is { } limit && limit <= warmup + window)
        {
            problems.Add("--max-step-time must be longer than --warmup plus one --measurement-window.");
        }

        var deadline = Duration(_deadline);
        if (deadline <= TimeSpan.Zero)
        {
            problems.Add("--deadline must be positive.");
        }

        var sources = new List<StatisticsSource>();
        foreach (var text in result.GetValue(_serverStats) ?? [])
        {
            if (StatisticsSource.Parse(text, out var sourceError) is { } source)
            {
                sources.Add(source);
            }
            else
            {
                problems.Add(sourceError!);
            }
        }

        var settings = new RunSettings
        {
            Target = target,
            Model = result.GetValue(_model) ?? string.Empty,
            ModelVersion = result.GetValue(_modelVersion),
            Mode = mode,
            Input = result.GetValue(_input) == "random" ? InputKind.Random : InputKind.Dataset,
            DatasetPath = result.GetValue(_dataset) ?? string.Empty,
            InputName = result.GetValue(_inputName) is { Length: > 0 } inputName ? inputName : null,
            InputShape = shape,
            OutputName = result.GetValue(_outputName) is { Length: > 0 } output ? output : null,
            OutputNameGiven = result.GetResult(_outputName) is { Implicit: false },
            BatchSize = result.GetValue(_batch),
            Strategy = result.GetValue(_strategy),
            RoutingKeyPattern = result.GetValue(_routingKey),
            RoutingKeyCount = result.GetValue(_routingKeys),
            Parameters = parameters,
            Concurrency = (concurrency ?? [1]).Select(c => (int)c).ToArray(),
            Rates = rates ?? [],
            Arrivals = result.GetValue(_arrivals) == "poisson" ? ArrivalKind.Poisson : ArrivalKind.Constant,
            Seed = result.GetValue(_seed),
            SearchP99 = searchP99,
            MaxOutstanding = result.GetValue(_maxOutstanding),
            ObeyPushback = result.GetValue(_obeyPushback),
            LateThreshold = Duration(_lateThreshold),
            Warmup = warmup,
            Window = window,
            StabilityTolerance = stability / 100.0,
            MaxWindows = result.GetValue(_maxWindows),
            MaxStepTime = maxStepTime,
            Connections = result.GetValue(_connections),
            Deadline = deadline,
            ServerStatisticsTargets = sources,
            ServerStatistics = !result.GetValue(_noServerStats),
            OutputPrefix = result.GetValue(_output),
            Live = !result.GetValue(_noLive),
            Fault = mode == RunMode.Fault && faultStart is { } start && faultDuration is { } length
                ? new FaultSettings
                {
                    Plan = new FaultPlan(start, length, runDuration ?? (start + length + start)),
                    WorkerCommand = result.GetValue(_faultWorker),
                    WorkerName = result.GetValue(_faultWorkerName) ?? "worker",
                    Action = result.GetValue(_faultAction) == "stop" ? FaultAction.Stop : FaultAction.Pause,
                    BeginCommand = result.GetValue(_faultBegin),
                    EndCommand = result.GetValue(_faultEnd),
                }
                : null,
        };

        settings = BindFeedback(result, settings, rolloutEnsemble, runDuration, problems);
        if (settings.Fault is { } f && f.Plan.RunDuration < f.Plan.End)
        {
            problems.Add("--duration must cover the fault (at least --fault-start + --fault-duration).");
        }

        if (settings.Input == InputKind.Dataset && !File.Exists(settings.DatasetPath))
        {
            problems.Add($"--dataset: '{settings.DatasetPath}' does not exist (run from the repository root, give --dataset, or use --input random).");
        }

        errors = problems;
        return problems.Count == 0 ? settings : null;
    }

    /// <summary>--feedback, --admin-token and --rollout on top of the bound settings.</summary>
    private RunSettings BindFeedback(ParseResult result, RunSettings settings, string? ensemble, TimeSpan? duration, List<string> problems)
    {
        var feedback = result.GetValue(_feedback);
        var token = result.GetValue(_adminToken) ?? Environment.GetEnvironmentVariable("ENSEMBLEGRPC_ADMIN_TOKEN");
        if (feedback && string.IsNullOrEmpty(token))
        {
            problems.Add("--feedback needs the router's admin token: --admin-token or $ENSEMBLEGRPC_ADMIN_TOKEN.");
        }

        if (feedback && settings.Input != InputKind.Dataset)
        {
            problems.Add("--feedback needs labels: --input dataset.");
        }

        var pollText = result.GetValue(_rolloutPoll);
        if (!Durations.TryParse(pollText, out var poll) || poll <= TimeSpan.Zero)
        {
            problems.Add($"--rollout-poll: '{pollText}' is not a positive duration (e.g. 500ms, 1s).");
        }

        if (ensemble is { Length: 0 })
        {
            problems.Add("--rollout: the ensemble's name is empty.");
        }

        return settings with
        {
            Feedback = feedback,
            AdminToken = token,
            Rollout = ensemble is null ? null : new RolloutSettings { Ensemble = ensemble, Poll = poll, MaxDuration = duration ?? TimeSpan.FromMinutes(10) },
        };
    }
}
