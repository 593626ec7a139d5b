using System.Reflection;
using System.Runtime.ExceptionServices;
using EnsembleGrpc.Grpc.Server.Internal;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Grpc.Server;

/// <summary>Maps gRPC services to endpoints: one POST endpoint per method at "/package.Service/Method".</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    private const string LoggerCategory = "EnsembleGrpc.Grpc.Server";
    private const string UnimplementedPathParameter = "unimplementedGrpcPath";

    /// <summary>
    /// Maps a generated service implementation (a subclass of a Grpc.Tools <c>*Base</c> class). The static bind method
    /// named by <see cref="BindServiceMethodAttribute"/> is found once, here; the instance is resolved from DI per
    /// call (register it as a singleton to make that free) or created with its constructor's dependencies.
    /// Returns a builder that applies conventions to every method endpoint.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var bindMethod = FindBindMethod(typeof(TService));
        var mapper = CreateMapper(endpoints);
        try
        {
            bindMethod.Invoke(null, [new TypedServiceBinder<TService>(mapper), null]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
        }

        return mapper.ConventionBuilder;
    }

    /// <summary>Maps a pre-built service definition (tests, proxies, hand-written services).</summary>
    public static IEndpointConventionBuilder MapGrpcService(this IEndpointRouteBuilder endpoints, ServerServiceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(definition);
        var mapper = CreateMapper(endpoints);
        definition.BindService(new DefinitionServiceBinder(mapper));
        return mapper.ConventionBuilder;
    }

    private static GrpcEndpointMapper CreateMapper(IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var registry = services.GetService<GrpcServiceRegistry>()
            ?? throw new InvalidOperationException("The gRPC server's services are missing: call services.AddGrpcServer() before mapping gRPC services.");

        // Reading Value validates the options: a bad configuration fails here, at startup, with every error listed.
        var runtime = registry.Runtime ??= new GrpcServerRuntime(
            services.GetRequiredService<IOptions<GrpcServerOptions>>().Value,
            services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory),
            services.GetService<TimeProvider>() ?? TimeProvider.System);

        if (!runtime.Options.IgnoreUnknownServices && registry.TryClaimFallback())
        {
            MapUnimplemented(endpoints, registry, runtime);
        }

        return new GrpcEndpointMapper(endpoints, runtime, registry);
    }

    /// <summary>
    /// The UNIMPLEMENTED catch-all: last in order, and constrained to gRPC requests so that the host's non-gRPC
    /// requests keep their normal 404/405.
    /// </summary>
    private static void MapUnimplemented(IEndpointRouteBuilder endpoints, GrpcServiceRegistry registry, GrpcServerRuntime runtime)
    {
        var pattern = RoutePatternFactory.Parse(
            "{**" + UnimplementedPathParameter + "}",
            defaults: null,
            parameterPolicies: new RouteValueDictionary { [UnimplementedPathParameter] = new GrpcUnimplementedRouteConstraint() });
        var handler = new UnimplementedCallHandler(registry, runtime.Logger);
        endpoints.Map(pattern, (RequestDelegate)handler.HandleCallAsync)
            .WithDisplayName("gRPC - Unimplemented")
            .Add(builder => ((RouteEndpointBuilder)builder).Order = int.MaxValue);
    }

    private static MethodInfo FindBindMethod(Type serviceType)
    {
        var attribute = serviceType.GetCustomAttribute<BindServiceMethodAttribute>(inherit: true)
            ?? throw new InvalidOperationException($"{serviceType} has no [BindServiceMethod] on it or its base types: map a class derived from a generated service base, or a ServerServiceDefinition.");

        foreach (var candidate in attribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
        {
            if (candidate.Name != attribute.BindMethodName)
            {
                continue;
            }

            var parameters = candidate.GetParameters();
            if (parameters.Length == 2
                && parameters[0].ParameterType == typeof(ServiceBinderBase)
                && parameters[1].ParameterType.IsAssignableFrom(serviceType))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{attribute.BindType}.{attribute.BindMethodName}(ServiceBinderBase, ...) for {serviceType} was not found.");
    }
}
