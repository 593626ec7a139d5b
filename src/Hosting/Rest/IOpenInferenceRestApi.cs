using Microsoft.AspNetCore.Http;

namespace EnsembleGrpc.Hosting.Rest;

/// <summary>
/// The handlers of the Open Inference Protocol's REST binding (KServe v2) plus Triton's config and repository index,
/// as a worker and the router each implement them; <see cref="OpenInferenceRestRoutes"/> maps them to the paths.
/// </summary>
public interface IOpenInferenceRestApi
{
    Task LiveAsync(HttpContext context);

    Task ReadyAsync(HttpContext context);

    Task ServerMetadataAsync(HttpContext context);

    Task RepositoryIndexAsync(HttpContext context);

    Task ModelMetadataAsync(HttpContext context);

    Task ModelReadyAsync(HttpContext context);

    Task ModelConfigAsync(HttpContext context);

    Task InferAsync(HttpContext context);
}
