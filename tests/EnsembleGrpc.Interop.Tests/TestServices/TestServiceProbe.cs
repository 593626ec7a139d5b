using Grpc.Core;

namespace EnsembleGrpc.Interop.Tests.TestServices;

/// <summary>
/// What a test observes of the handlers of one <see cref="TestServer"/>: signals set by the handler itself (started,
/// token fired, finished), so tests wait on events instead of sleeping. One per server (a DI singleton).
/// </summary>
public sealed class TestServiceProbe
{
    private readonly CancellationTokenSource _release = new();

    /// <summary>Set with the call's context when a handler starts (the first call wins).</summary>
    public TaskCompletionSource<ServerCallContext> HandlerStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Set when a handler's cancellation token fires (client cancel, disconnect or deadline): by a registration while
    /// the handler runs, and at the latest when the handler ends with its token cancelled (see TestServiceImpl).
    /// </summary>
    public TaskCompletionSource HandlerCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when a handler returns or throws, with its exception (null on success).</summary>
    public TaskCompletionSource<Exception?> HandlerFinished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Handlers that ignore their call's cancellation wait on this instead; it fires when the server shuts down.</summary>
    public CancellationToken ReleaseToken => _release.Token;

    /// <summary>Lets every waiting handler go on (called by <see cref="TestServer.DisposeAsync"/>).</summary>
    public void ReleaseHandlers() => _release.Cancel();
}
