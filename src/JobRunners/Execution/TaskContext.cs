using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JobRunners.Execution;

internal class TaskContext : ITaskContext
{
    private readonly IServiceProvider _services;

    /// <param name="name">The task's (or job's) name.</param>
    /// <param name="logger">The handler's logger.</param>
    /// <param name="services">The services the handler runs with (its scope): where <see cref="Runner"/> comes from when asked for.</param>
    /// <param name="cancellationToken">Signalled when the attempt should stop.</param>
    public TaskContext(string name, ILogger logger, IServiceProvider services, CancellationToken cancellationToken)
    {
        Name = name;
        Logger = logger;
        _services = services;
        CancellationToken = cancellationToken;
    }

    public string Name { get; }

    public ILogger Logger { get; }

    public IJobRunner Runner => _services.GetRequiredService<IJobRunner>();

    public CancellationToken CancellationToken { get; }
}
