using Microsoft.Extensions.Logging;

namespace JobRunners.Execution;

internal class TaskContext : ITaskContext
{
    private readonly Func<IJobRunner> _runner;

    public TaskContext(string name, ILogger logger, Func<IJobRunner> runner, CancellationToken cancellationToken)
    {
        Name = name;
        Logger = logger;
        _runner = runner;
        CancellationToken = cancellationToken;
    }

    public string Name { get; }

    public ILogger Logger { get; }

    public IJobRunner Runner => _runner();

    public CancellationToken CancellationToken { get; }
}
