using EnsembleGrpc.Grpc.Internal;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>Checks <see cref="GrpcServerOptions"/> and reports every problem at once, so one restart fixes them all.</summary>
internal sealed class GrpcServerOptionsValidator : IValidateOptions<GrpcServerOptions>
{
    public ValidateOptionsResult Validate(string? name, GrpcServerOptions options)
    {
        List<string>? errors = null;

        if (options.MaxReceiveMessageSize is <= 0)
        {
            (errors ??= []).Add($"{nameof(GrpcServerOptions.MaxReceiveMessageSize)} must be positive or null (unlimited); got {options.MaxReceiveMessageSize}.");
        }

        if (options.MaxSendMessageSize is <= 0)
        {
            (errors ??= []).Add($"{nameof(GrpcServerOptions.MaxSendMessageSize)} must be positive or null (unlimited); got {options.MaxSendMessageSize}.");
        }

        if (options.ResponseCompressionAlgorithm is not null and not GrpcProtocolConstants.IdentityEncoding and not GrpcProtocolConstants.GzipEncoding)
        {
            (errors ??= []).Add($"{nameof(GrpcServerOptions.ResponseCompressionAlgorithm)} '{options.ResponseCompressionAlgorithm}' is not supported; use null, 'identity' or 'gzip'.");
        }

        return errors is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
