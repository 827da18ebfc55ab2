using Microsoft.Extensions.Logging;

namespace JobRunners;

/// <summary>What a task handler can see and do while it runs.</summary>
public interface ITaskContext
{
    /// <summary>The registered task name.</summary>
    string Name { get; }

    /// <summary>A logger named after the task.</summary>
    ILogger Logger { get; }

    /// <summary>The active runner, to dispatch further tasks and jobs.</summary>
    IJobRunner Runner { get; }

    /// <summary>Signalled when the worker is stopping.</summary>
    CancellationToken CancellationToken { get; }
}
