namespace Grpc.Core;

/// <summary>A method's description without its message types.</summary>
public interface IMethod
{
    MethodType Type { get; }

    string ServiceName { get; }

    string Name { get; }

    /// <summary>"/package.Service/Method": the HTTP/2 :path.</summary>
    string FullName { get; }
}
