using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace EnsembleGrpc.Hosting.Errors;

/// <summary>
/// Binds a generated service as Grpc.AspNetCore's own binder does (the <see cref="BindServiceMethodAttribute"/> of its
/// base class), with one difference: a request body that is not a valid protobuf message of the method's request type
/// fails with INVALID_ARGUMENT naming that type. Grpc.AspNetCore deserializes before any interceptor runs and sends
/// UNKNOWN for a deserializer's exception, but it sends an <see cref="RpcException"/> thrown there as it is; the
/// generated marshallers are static, so the methods are bound again here with a wrapping one.
/// </summary>
public sealed class RequestParsingServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var attribute = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true);
        if (attribute is null)
        {
            return;
        }

        var bind = attribute.BindType.GetMethod(attribute.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), typeof(TService).BaseType ?? typeof(TService)])
            ?? attribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(m =>
                m.Name == attribute.BindMethodName && m.GetParameters() is [{ ParameterType: var first }, _] && first == typeof(ServiceBinderBase))
            ?? throw new InvalidOperationException($"{attribute.BindType} has no {attribute.BindMethodName}(ServiceBinderBase, service).");
        bind.Invoke(null, [new Binder(context), null]);
    }

    /// <summary>The request marshaller of <paramref name="method"/>, turning a parse failure into INVALID_ARGUMENT.</summary>
    public static Method<TRequest, TResponse> WithParsingStatus<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(method);
        var deserialize = method.RequestMarshaller.ContextualDeserializer;
        string type = MessageName(typeof(TRequest));
        var marshaller = Marshallers.Create(
            method.RequestMarshaller.ContextualSerializer,
            context =>
            {
                try
                {
                    return deserialize(context);
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"the request could not be parsed as {type}: {ex.Message}"));
                }
            });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }

    private static string MessageName(Type type)
        => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is MessageDescriptor descriptor
            ? descriptor.FullName
            : type.Name;

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
            => context.AddUnaryMethod(WithParsingStatus(method), Metadata(method.Name), Invoker<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
            => context.AddClientStreamingMethod(WithParsingStatus(method), Metadata(method.Name), Invoker<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
            => context.AddServerStreamingMethod(WithParsingStatus(method), Metadata(method.Name), Invoker<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
            => context.AddDuplexStreamingMethod(WithParsingStatus(method), Metadata(method.Name), Invoker<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name));

        private static TDelegate Invoker<TDelegate>(string name)
            where TDelegate : Delegate
        {
            var parameters = typeof(TDelegate).GetMethod("Invoke")!.GetParameters().Skip(1).Select(p => p.ParameterType).ToArray();
            var method = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
                ?? throw new InvalidOperationException($"{typeof(TService)} has no method {name}.");
            return (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), method);
        }

        private static List<object> Metadata(string name)
        {
            // As Grpc.AspNetCore's binder: the service's attributes, then the method's (authorization and the like).
            var metadata = new List<object>(typeof(TService).GetCustomAttributes(inherit: true));
            if (typeof(TService).GetMethods(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(m => m.Name == name) is { } method)
            {
                metadata.AddRange(method.GetCustomAttributes(inherit: true));
            }

            return metadata;
        }
    }
}
