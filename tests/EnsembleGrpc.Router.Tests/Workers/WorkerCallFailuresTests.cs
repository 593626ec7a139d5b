using System.Net.Sockets;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Workers;
using Grpc.Core;

namespace EnsembleGrpc.Router.Tests.Workers;

/// <summary>How a failed worker call becomes a failure kind: what the breakers count and what the client is told.</summary>
public sealed class WorkerCallFailuresTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    [Theory]
    [InlineData(StatusCode.InvalidArgument, MemberFailureKind.RejectedInvalid)]
    [InlineData(StatusCode.NotFound, MemberFailureKind.RejectedNotFound)]
    [InlineData(StatusCode.OutOfRange, MemberFailureKind.RejectedOutOfRange)]
    [InlineData(StatusCode.FailedPrecondition, MemberFailureKind.RejectedPrecondition)]
    [InlineData(StatusCode.ResourceExhausted, MemberFailureKind.Overloaded)]
    public void A_status_in_which_the_worker_answered_about_the_request_is_a_rejection_with_its_words(StatusCode code, MemberFailureKind kind)
    {
        var reply = WorkerCallFailures.Translate(new RpcException(new Status(code, "batch size 300 exceeds 256")), CancellationToken.None, Timeout);

        Assert.Equal(kind, reply.Failure);
        Assert.Equal($"{code}: batch size 300 exceeds 256", reply.Error);
        Assert.False(reply.Unreachable);
        Assert.False(reply.Succeeded);
    }

    [Theory]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.Unknown)]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.Cancelled)]
    [InlineData(StatusCode.Unimplemented)]
    public void Any_other_status_is_the_workers_error(StatusCode code)
    {
        var reply = WorkerCallFailures.Translate(new RpcException(new Status(code, "it broke")), CancellationToken.None, Timeout);

        Assert.Equal(MemberFailureKind.WorkerError, reply.Failure);
        Assert.Equal($"{code}: it broke", reply.Error);
        Assert.False(reply.Unreachable);
        Assert.Null(WorkerCallFailures.Rejection(code));
    }

    [Fact]
    public void Deadline_exceeded_is_our_timeout()
    {
        var reply = WorkerCallFailures.Translate(new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")), CancellationToken.None, Timeout);

        Assert.Equal(MemberFailureKind.Timeout, reply.Failure);
        Assert.Equal("no answer within 250 ms", reply.Error);
    }

    [Theory]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.Cancelled)]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.Unavailable)]
    public void Any_failure_once_the_callers_token_is_cancelled_is_cancelled(StatusCode code)
    {
        using var caller = new CancellationTokenSource();
        caller.Cancel();

        var rpc = WorkerCallFailures.Translate(new RpcException(new Status(code, "x")), caller.Token, Timeout);
        var other = WorkerCallFailures.Translate(new OperationCanceledException(caller.Token), caller.Token, Timeout);

        Assert.Equal(MemberFailureKind.Cancelled, rpc.Failure);
        Assert.Equal(MemberFailureKind.Cancelled, other.Failure);
    }

    [Fact]
    public void A_cancellation_that_is_not_the_callers_is_the_workers_error()
    {
        var reply = WorkerCallFailures.Translate(new OperationCanceledException(), CancellationToken.None, Timeout);

        Assert.Equal(MemberFailureKind.WorkerError, reply.Failure);
    }

    [Fact]
    public void A_transport_failure_under_the_status_is_an_unreachable_worker_named_by_the_sockets_words()
    {
        var socket = new SocketException((int)SocketError.ConnectionRefused);
        var transport = new HttpRequestException("An error occurred while sending the request.", socket);
        var rpc = new RpcException(new Status(StatusCode.Unavailable, "Error connecting to subchannel.", transport));

        var reply = WorkerCallFailures.Translate(rpc, CancellationToken.None, Timeout);

        Assert.Equal(MemberFailureKind.WorkerError, reply.Failure);
        Assert.True(reply.Unreachable);
        Assert.Equal($"Unavailable: {socket.Message} (ConnectionRefused)", reply.Error);
        Assert.DoesNotContain("subchannel", reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_transport_failure_without_a_socket_error_is_named_by_its_innermost_exception()
    {
        var transport = new HttpRequestException("outer", new IOException("The response ended prematurely."));
        var rpc = new RpcException(new Status(StatusCode.Unavailable, "Error starting gRPC call.", transport));

        var reply = WorkerCallFailures.Translate(rpc, CancellationToken.None, Timeout);

        Assert.True(reply.Unreachable);
        Assert.Equal("Unavailable: The response ended prematurely.", reply.Error);
    }

    [Fact]
    public void A_transport_exception_without_a_status_is_an_unreachable_worker()
    {
        var socket = new SocketException((int)SocketError.HostNotFound);

        var reply = WorkerCallFailures.Translate(new HttpRequestException("no such host", socket), CancellationToken.None, Timeout);

        Assert.Equal(MemberFailureKind.WorkerError, reply.Failure);
        Assert.True(reply.Unreachable);
        Assert.Equal($"{socket.Message} (HostNotFound)", reply.Error);
    }

    [Fact]
    public void A_status_whose_debug_exception_is_not_a_transport_failure_is_a_reachable_workers_error()
    {
        var rpc = new RpcException(new Status(StatusCode.Internal, "Failed to deserialize response message.", new InvalidOperationException("bad frame")));

        var reply = WorkerCallFailures.Translate(rpc, CancellationToken.None, Timeout);

        Assert.Equal(MemberFailureKind.WorkerError, reply.Failure);
        Assert.False(reply.Unreachable);
        Assert.Equal("Internal: Failed to deserialize response message.", reply.Error);
    }

    [Fact]
    public void A_malformed_response_is_an_invalid_output()
    {
        var reply = WorkerCallFailures.Translate(new InvalidDataException("output 'probabilities' is FP64, expected FP32"), CancellationToken.None, Timeout);

        Assert.Equal(MemberFailureKind.InvalidOutput, reply.Failure);
        Assert.Equal("output 'probabilities' is FP64, expected FP32", reply.Error);
    }

    [Fact]
    public void Anything_else_is_the_workers_error_named_by_type_only()
    {
        var reply = WorkerCallFailures.Translate(new InvalidOperationException("secret internals at /srv/x"), CancellationToken.None, Timeout);

        Assert.Equal(MemberFailureKind.WorkerError, reply.Failure);
        Assert.Equal("call failed (InvalidOperationException)", reply.Error);
    }
}
