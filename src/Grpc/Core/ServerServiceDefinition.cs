namespace Grpc.Core;

/// <summary>A service's methods with their handlers, ready to be bound by a server.</summary>
public sealed class ServerServiceDefinition
{
    private readonly IReadOnlyList<Action<ServiceBinderBase>> _addMethodActions;

    private ServerServiceDefinition(IReadOnlyList<Action<ServiceBinderBase>> addMethodActions) => _addMethodActions = addMethodActions;

    public static Builder CreateBuilder() => new();

    /// <summary>Replays every method onto a binder.</summary>
    public void BindService(ServiceBinderBase serviceBinder)
    {
        ArgumentNullException.ThrowIfNull(serviceBinder);
        foreach (var add in _addMethodActions)
        {
            add(serviceBinder);
        }
    }

    public sealed class Builder
    {
        private readonly Dictionary<string, IMethod> _methods = new(StringComparer.Ordinal);
        private readonly List<Action<ServiceBinderBase>> _addMethodActions = [];

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class
            => Add(method, binder => binder.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class
            => Add(method, binder => binder.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class
            => Add(method, binder => binder.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class
            => Add(method, binder => binder.AddMethod(method, handler));

        public ServerServiceDefinition Build() => new([.. _addMethodActions]);

        private Builder Add(IMethod method, Action<ServiceBinderBase> action)
        {
            if (!_methods.TryAdd(method.FullName, method))
            {
                throw new InvalidOperationException($"Method {method.FullName} is added twice.");
            }

            _addMethodActions.Add(action);
            return this;
        }
    }
}
