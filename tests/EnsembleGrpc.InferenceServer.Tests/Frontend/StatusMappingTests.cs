using EnsembleGrpc.InferenceServer.Frontend;
using EnsembleGrpc.InferenceServer.Inference;
using Grpc.Core;

namespace EnsembleGrpc.InferenceServer.Tests.Frontend;

public sealed class StatusMappingTests
{
    [Theory]
    [InlineData(InferenceErrorCode.InvalidArgument, StatusCode.InvalidArgument)]
    [InlineData(InferenceErrorCode.NotFound, StatusCode.NotFound)]
    [InlineData(InferenceErrorCode.Unavailable, StatusCode.Unavailable)]
    [InlineData(InferenceErrorCode.ResourceExhausted, StatusCode.ResourceExhausted)]
    [InlineData(InferenceErrorCode.DeadlineExceeded, StatusCode.DeadlineExceeded)]
    [InlineData(InferenceErrorCode.Cancelled, StatusCode.Cancelled)]
    [InlineData(InferenceErrorCode.Internal, StatusCode.Internal)]
    public void Maps_every_domain_error_to_its_status(InferenceErrorCode code, StatusCode expected)
    {
        var exception = StatusMapping.ToRpcException(new InferenceError(code, "why"));
        Assert.Equal(expected, exception.StatusCode);
        Assert.Equal("why", exception.Status.Detail);
    }

    [Fact]
    public void No_domain_error_maps_to_unknown()
        => Assert.All(Enum.GetValues<InferenceErrorCode>(), code => Assert.NotEqual(StatusCode.Unknown, StatusMapping.ToStatusCode(code)));
}
