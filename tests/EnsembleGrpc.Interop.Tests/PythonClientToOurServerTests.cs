using System.Text.Json;
using EnsembleGrpc.Interop.Tests.Infrastructure;

namespace EnsembleGrpc.Interop.Tests;

/// <summary>
/// python grpcio (C-core) client → our server (Kestrel + Grpc.AspNetCore, the TestService of Protos/test_service.proto,
/// in-process). The fixture runs every case in one python process; each test asserts on that case's JSON result.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class PythonClientToOurServerTests(PythonClientFixture fixture) : IClassFixture<PythonClientFixture>
{
    private JsonElement Case(string name, string expectedCode)
    {
        var r = fixture.Result(name);
        Assert.True(r.GetProperty("code").GetString() == expectedCode,
            $"case {name}: expected {expectedCode}, python saw {r.GetRawText()}");
        return r;
    }

    private static string Str(JsonElement e, string property) => e.GetProperty(property).GetString()!;

    private static List<string> Pairs(JsonElement e, string property) =>
        [.. e.GetProperty(property).EnumerateArray().Select(p => p[0].GetString() + "=" + p[1].GetString())];

    [Fact]
    public void PythonRanEveryCase_AndExitedCleanly()
    {
        Assert.True(fixture.PythonExitCode == 0, "python exit code " + fixture.PythonExitCode + fixture.PythonDiagnostics);
        foreach (var name in PythonClientFixture.AllCases)
        {
            Assert.NotEqual("PYTHON_ERROR", Str(fixture.Result(name), "code"));
        }
    }

    [Fact]
    public void Success() => Assert.True(Case("success", "OK").GetProperty("payload_ok").GetBoolean());

    [Fact]
    public void ErrorWithNonAsciiMessage_PythonSeesExactCodeAndDecodedMessage()
    {
        var r = Case("error_non_ascii", "INVALID_ARGUMENT");
        Assert.Equal(InteropData.NonAsciiMessage, Str(r, "expected_details")); // both sides use the same text
        Assert.Equal(InteropData.NonAsciiMessage, Str(r, "details"));
    }

    [Fact]
    public void HandlerException_IsUnknown_WithoutLeakingDetails()
    {
        var r = Case("unknown_exception", "UNKNOWN");
        Assert.DoesNotContain("Handler failure", Str(r, "details"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deadline_PythonTimeout_IsDeadlineExceeded_AndFiresTheHandlersToken()
    {
        var r = Case("deadline", "DEADLINE_EXCEEDED");
        Assert.InRange(r.GetProperty("elapsed_ms").GetInt32(), 150, 3000);
        // The handler ignores its token, but the server's deadline fired it.
        await fixture.DeadlineServer.Probe.HandlerCancelled.Task.WaitAsync(PythonClientFixture.HandlerTimeout);
    }

    [Fact]
    public void Deadline_GrpcTimeoutFromPython_ReachesTheHandler()
    {
        // python's timeout was 20 s. C-core rounds the grpc-timeout value it sends up to a coarser figure (seen here:
        // ~20.1 s arriving), so allow a little above 20 s; a deadline that was dropped would read -1.
        Assert.InRange(Case("deadline_propagated", "OK").GetProperty("deadline_remaining_ms").GetInt64(), 10_000, 21_000);
        Assert.Equal(-1, Case("no_deadline", "OK").GetProperty("deadline_remaining_ms").GetInt64());
    }

    [Fact]
    public async Task Cancellation_OfAnUnaryFuture_IsObservedByOurHandler()
    {
        var r = Case("cancel_unary", "CANCELLED");
        Assert.True(r.GetProperty("cancel_returned").GetBoolean());
        await fixture.CancelUnaryServer.Probe.HandlerCancelled.Task.WaitAsync(PythonClientFixture.HandlerTimeout);
        var finished = await fixture.CancelUnaryServer.Probe.HandlerFinished.Task.WaitAsync(PythonClientFixture.HandlerTimeout);
        Assert.IsAssignableFrom<OperationCanceledException>(finished);
    }

    [Fact]
    public async Task Cancellation_OfAServerStream_IsObservedByOurHandler()
    {
        var r = Case("cancel_stream", "CANCELLED");
        Assert.Equal(0, r.GetProperty("first_index").GetInt32());
        await fixture.CancelStreamServer.Probe.HandlerCancelled.Task.WaitAsync(PythonClientFixture.HandlerTimeout);
        await fixture.CancelStreamServer.Probe.HandlerFinished.Task.WaitAsync(PythonClientFixture.HandlerTimeout);
    }

    [Fact]
    public void FourMiBMessage_BothWays()
    {
        var r = Case("big_both_ways", "OK");
        Assert.Equal(PythonClientFixture.FourMiB, r.GetProperty("sent").GetInt32());
        Assert.True(r.GetProperty("echoed_ok").GetBoolean());
        Assert.Equal(PythonClientFixture.FourMiB, r.GetProperty("reply_size").GetInt32());
        Assert.True(r.GetProperty("reply_pattern_ok").GetBoolean());
    }

    [Fact]
    public void RequestOverOurServersLimit_IsResourceExhausted() => Case("too_big_request", "RESOURCE_EXHAUSTED");

    [Fact]
    public void ReplyOverPythonsReceiveLimit_IsResourceExhausted() => Case("too_big_reply", "RESOURCE_EXHAUSTED");

    [Fact]
    public void UnknownMethodAndService_AreUnimplemented()
    {
        Case("unimplemented_method", "UNIMPLEMENTED");
        Case("unimplemented_service", "UNIMPLEMENTED");
    }

    [Fact]
    public void Metadata_AsciiAndBinary_EchoedAsHeadersAndTrailers()
    {
        var r = Case("metadata", "OK");
        var b64 = Convert.ToBase64String(InteropData.BinaryValue);
        Assert.Equal(b64, Str(r, "binary_b64"));
        var seen = r.GetProperty("seen_headers").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("x-ascii=hello ascii", seen);
        Assert.Contains("x-binary-bin=" + b64, seen);

        var initial = Pairs(r, "initial_metadata");
        Assert.Contains("x-ascii=hello ascii", initial);
        Assert.Contains("x-binary-bin=b64:" + b64, initial);

        var trailing = Pairs(r, "trailing_metadata");
        Assert.Contains("x-ascii-trailer=hello ascii", trailing);
        Assert.Contains("x-binary-trailer-bin=b64:" + b64, trailing);
    }

    [Fact]
    public void Metadata_TrailersSetByTheHandler_ArriveWithAnError()
    {
        var r = Case("metadata_on_error", "FAILED_PRECONDITION");
        Assert.Equal("precondition", Str(r, "details"));
        Assert.Contains("x-ascii-trailer=on error", Pairs(r, "trailing_metadata"));
    }

    [Fact]
    public void ServerStreaming_AllMessagesThenOk()
    {
        var r = Case("stream_ok", "OK");
        Assert.Equal([0, 1, 2, 3, 4], r.GetProperty("indexes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.All(r.GetProperty("sizes").EnumerateArray(), e => Assert.Equal(10, e.GetInt32()));
        Assert.True(r.GetProperty("pattern_ok").GetBoolean());
    }

    [Fact]
    public void ServerStreaming_MidStreamError_AfterTheMessagesSentBeforeIt()
    {
        var r = Case("stream_error", "ABORTED");
        Assert.Equal([0, 1, 2], r.GetProperty("indexes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(InteropData.StreamErrorMessage, Str(r, "expected_details"));
        Assert.Equal(InteropData.StreamErrorMessage, Str(r, "details"));
    }

    [Fact]
    public void GzipCompressingPythonClient()
    {
        var r = Case("gzip", "OK");
        Assert.True(r.GetProperty("payload_ok").GetBoolean());
        Assert.True(r.GetProperty("big_ok").GetBoolean());
    }
}
