using JobRunners.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners;

/// <summary>What every runner needs from the core, in one object so runner constructors stay short.</summary>
public sealed class JobRunnerServices
{
    internal JobRunnerServices(JobRegistry registry, IJobStore store, Lazy<JobExecutor> executor, IOptions<JobRunnersOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        Registry = registry;
        Store = store;
        _executor = executor;
        Options = options.Value;
        TimeProvider = timeProvider;
        LoggerFactory = loggerFactory;
    }

    private readonly Lazy<JobExecutor> _executor;

    /// <summary>The task map and job map.</summary>
    public JobRegistry Registry { get; }

    /// <summary>Where job rows live.</summary>
    public IJobStore Store { get; }

    /// <summary>Runs jobs and tasks through the registry, claiming rows first.</summary>
    public JobExecutor Executor => _executor.Value;

    /// <summary>The shared settings.</summary>
    public JobRunnersOptions Options { get; }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>For runners' and workers' loggers.</summary>
    public ILoggerFactory LoggerFactory { get; }
}
