namespace Grpc.Core;

/// <summary>A connection to one target that hands out call invokers.</summary>
public abstract class ChannelBase
{
    protected ChannelBase(string target) => Target = target ?? throw new ArgumentNullException(nameof(target));

    public string Target { get; }

    public abstract CallInvoker CreateCallInvoker();
}
