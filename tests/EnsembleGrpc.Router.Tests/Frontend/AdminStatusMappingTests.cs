using EnsembleGrpc.Router.Frontend;
using EnsembleGrpc.Router.Traffic.Assignment;
using EnsembleGrpc.Router.Traffic.Feedback;
using Grpc.Core;

namespace EnsembleGrpc.Router.Tests.Frontend;

/// <summary>The admin service's one place where engine outcomes become gRPC statuses.</summary>
public sealed class AdminStatusMappingTests
{
    [Theory]
    [InlineData(FeedbackError.UnknownRequest, StatusCode.NotFound)]
    [InlineData(FeedbackError.WrongLabelCount, StatusCode.InvalidArgument)]
    [InlineData(FeedbackError.LabelOutOfRange, StatusCode.InvalidArgument)]
    [InlineData(FeedbackError.AlreadyScored, StatusCode.AlreadyExists)]
    public void Feedback_errors_map_to_the_statuses_clients_already_get(FeedbackError error, StatusCode expected) =>
        Assert.Equal(expected, RouterAdminService.ToStatusCode(error));

    [Theory]
    [InlineData(SplitChangeError.UnknownEnsemble, StatusCode.NotFound)]
    [InlineData(SplitChangeError.InvalidWeights, StatusCode.InvalidArgument)]
    [InlineData(SplitChangeError.NotStored, StatusCode.Unavailable)]
    public void Split_errors_map_to_statuses(SplitChangeError error, StatusCode expected) =>
        Assert.Equal(expected, RouterAdminService.ToStatusCode(error));

    [Fact]
    public void Every_error_has_a_status_other_than_the_fallback()
    {
        Assert.All(Enum.GetValues<FeedbackError>().Where(e => e != FeedbackError.None), e => Assert.NotEqual(StatusCode.Internal, RouterAdminService.ToStatusCode(e)));
        Assert.All(Enum.GetValues<SplitChangeError>().Where(e => e != SplitChangeError.None), e => Assert.NotEqual(StatusCode.Internal, RouterAdminService.ToStatusCode(e)));
    }
}
