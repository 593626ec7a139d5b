using Microsoft.Extensions.DependencyInjection;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>
/// Gets the service instance for a call: the DI registration when there is one (a singleton makes this a dictionary
/// lookup), otherwise a new instance from a constructor factory compiled once at bind time, disposed after the call.
/// </summary>
internal sealed class ServiceActivator<TService>
    where TService : class
{
    private readonly ObjectFactory _factory = ActivatorUtilities.CreateFactory(typeof(TService), Type.EmptyTypes);

    public TService Get(IServiceProvider services, out bool created)
    {
        if (services.GetService(typeof(TService)) is TService registered)
        {
            created = false;
            return registered;
        }

        created = true;
        return (TService)_factory(services, null);
    }

    public static ValueTask ReleaseAsync(TService service)
    {
        switch (service)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        return ValueTask.CompletedTask;
    }
}
