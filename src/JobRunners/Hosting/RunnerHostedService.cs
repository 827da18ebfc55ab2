using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JobRunners.Hosting;

/// <summary>
/// A runner's hosted service (its worker), registered for every registered runner but started only in a process
/// whose selected runner it belongs to (and, for a consuming side, only where the worker is enabled). The inner
/// service is not even built otherwise.
/// </summary>
internal sealed class RunnerHostedService : IHostedService
{
    private readonly IServiceProvider _services;
    private readonly string _runner;
    private readonly bool _workerOnly;
    private readonly Func<IServiceProvider, IHostedService> _create;
    private IHostedService? _inner;

    public RunnerHostedService(IServiceProvider services, string runner, bool workerOnly, Func<IServiceProvider, IHostedService> create)
    {
        _services = services;
        _runner = runner;
        _workerOnly = workerOnly;
        _create = create;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var selected = _services.GetRequiredService<SelectedRunner>();
        if (!string.Equals(selected.Name, _runner, StringComparison.OrdinalIgnoreCase) || (_workerOnly && !selected.WorkerEnabled))
        {
            return Task.CompletedTask;
        }

        _inner = _create(_services);
        return _inner.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _inner?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>
    /// Runs <paramref name="registrations"/> on <paramref name="services"/> (so their TryAdd calls keep their meaning),
    /// then wraps each hosted service they added so it starts only for <paramref name="runner"/>.
    /// </summary>
    public static void AddFor(IServiceCollection services, string runner, bool workerOnly, Action<IServiceCollection> registrations)
    {
        var before = services.Count;
        registrations(services);
        for (var i = before; i < services.Count; i++)
        {
            if (services[i] is { ServiceType: var type, IsKeyedService: false } descriptor && type == typeof(IHostedService))
            {
                var create = Factory(descriptor);
                services[i] = ServiceDescriptor.Singleton<IHostedService>(sp => new RunnerHostedService(sp, runner, workerOnly, create));
            }
        }
    }

    private static Func<IServiceProvider, IHostedService> Factory(ServiceDescriptor descriptor) => descriptor switch
    {
        { ImplementationInstance: IHostedService instance } => _ => instance,
        { ImplementationFactory: { } factory } => sp => (IHostedService)factory(sp),
        { ImplementationType: { } type } => sp => (IHostedService)ActivatorUtilities.CreateInstance(sp, type),
        _ => throw new InvalidOperationException($"The hosted service registration {descriptor} has no implementation."),
    };
}
