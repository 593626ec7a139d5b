using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Frontend.Page;

/// <summary>
/// Registers and maps the digit page and the dashboard (<see cref="PageOptions"/>): the static files under
/// <c>/page/</c> (and <c>/</c> redirecting there), and <see cref="PageApi"/> under <c>/page/api/</c>. Mapped only with
/// the REST port, next to the protocol's <c>/v2</c> paths.
/// </summary>
public static class PageEndpoints
{
    public static IServiceCollection AddRouterPage(this IServiceCollection services)
    {
        services.AddOptions<PageOptions>().BindConfiguration(PageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PageOptions>, PageOptionsValidator>());
        services.TryAddSingleton<PageAssets>();
        services.TryAddSingleton<PageApi>();
        return services;
    }

    public static IEndpointRouteBuilder MapRouterPage(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        if (!services.GetRequiredService<IOptions<PageOptions>>().Value.Enabled)
        {
            return endpoints;
        }

        var assets = services.GetRequiredService<PageAssets>();
        var api = services.GetRequiredService<PageApi>();
        endpoints.MapGet("/", Redirect);
        endpoints.MapGet("/page", assets.ServeAsync);
        endpoints.MapGet("/page/{file}", assets.ServeAsync);
        endpoints.MapGet("/page/api/models", api.ModelsAsync);
        endpoints.MapPost("/page/api/models/{name}/infer", api.InferAsync);
        endpoints.MapGet("/page/api/statistics", api.StatisticsAsync);
        endpoints.MapPost("/page/api/feedback", api.FeedbackAsync);
        return endpoints;
    }

    private static Task Redirect(HttpContext context)
    {
        context.Response.Redirect(PageAssets.Home);
        return Task.CompletedTask;
    }
}
