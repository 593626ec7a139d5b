using System.Reflection;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>
/// Binds a generated service implementation. The generated BindService passes a null handler (no instance exists at
/// startup), so each method is reached through an open delegate to TService's override, found by reflection here, once:
/// per call it is a plain delegate invocation on the instance resolved for that call.
/// </summary>
internal sealed class TypedServiceBinder<TService>(GrpcEndpointMapper mapper) : ServiceBinderBase
    where TService : class
{
    private readonly ServiceActivator<TService> _activator = new();

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        var call = CreateOpenDelegate<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>(method, typeof(TRequest), typeof(ServerCallContext));
        var activator = _activator;
        UnaryMethodInvoker<TRequest, TResponse> invoker = (request, context) =>
        {
            var service = activator.Get(context.HttpContext.RequestServices, out var created);
            return created ? InvokeAndReleaseAsync(service, s => call(s, request, context)) : call(service, request, context);
        };
        mapper.Map(method, new UnaryServerCallHandler<TRequest, TResponse>(method, mapper.Runtime, invoker).HandleCallAsync);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var call = CreateOpenDelegate<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(method, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
        var activator = _activator;
        ServerStreamingMethodInvoker<TRequest, TResponse> invoker = (request, stream, context) =>
        {
            var service = activator.Get(context.HttpContext.RequestServices, out var created);
            return created ? InvokeAndReleaseAsync(service, s => call(s, request, stream, context)) : call(service, request, stream, context);
        };
        mapper.Map(method, new ServerStreamingServerCallHandler<TRequest, TResponse>(method, mapper.Runtime, invoker).HandleCallAsync);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var call = CreateOpenDelegate<Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>>>(method, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
        var activator = _activator;
        ClientStreamingMethodInvoker<TRequest, TResponse> invoker = (stream, context) =>
        {
            var service = activator.Get(context.HttpContext.RequestServices, out var created);
            return created ? InvokeAndReleaseAsync(service, s => call(s, stream, context)) : call(service, stream, context);
        };
        mapper.Map(method, new ClientStreamingServerCallHandler<TRequest, TResponse>(method, mapper.Runtime, invoker).HandleCallAsync);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var call = CreateOpenDelegate<Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(method, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
        var activator = _activator;
        DuplexStreamingMethodInvoker<TRequest, TResponse> invoker = (requests, responses, context) =>
        {
            var service = activator.Get(context.HttpContext.RequestServices, out var created);
            return created ? InvokeAndReleaseAsync(service, s => call(s, requests, responses, context)) : call(service, requests, responses, context);
        };
        mapper.Map(method, new DuplexStreamingServerCallHandler<TRequest, TResponse>(method, mapper.Runtime, invoker).HandleCallAsync);
    }

    private static TDelegate CreateOpenDelegate<TDelegate>(IMethod method, params Type[] parameterTypes)
        where TDelegate : Delegate
    {
        var methodInfo = typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, parameterTypes)
            ?? throw new InvalidOperationException($"Could not find a public method '{method.Name}' for {method.FullName} on {typeof(TService)}.");
        return (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), methodInfo);
    }

    private static async Task<TResult> InvokeAndReleaseAsync<TResult>(TService service, Func<TService, Task<TResult>> call)
    {
        try
        {
            return await call(service).ConfigureAwait(false);
        }
        finally
        {
            await ServiceActivator<TService>.ReleaseAsync(service).ConfigureAwait(false);
        }
    }

    private static async Task InvokeAndReleaseAsync(TService service, Func<TService, Task> call)
    {
        try
        {
            await call(service).ConfigureAwait(false);
        }
        finally
        {
            await ServiceActivator<TService>.ReleaseAsync(service).ConfigureAwait(false);
        }
    }
}
