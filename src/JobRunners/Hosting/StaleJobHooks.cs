using Microsoft.Extensions.Logging;

namespace JobRunners.Hosting;

/// <summary>Logs rescued rows and calls their job type's <see cref="JobTypeOptions.OnStale"/> hook.</summary>
internal sealed class StaleJobHooks
{
    private readonly JobRegistry _registry;
    private readonly JobExecutor _executor;
    private readonly ILogger<StaleJobHooks> _logger;

    public StaleJobHooks(JobRegistry registry, JobExecutor executor, ILogger<StaleJobHooks> logger)
    {
        _registry = registry;
        _executor = executor;
        _logger = logger;
    }

    public async ValueTask NotifyAsync(IReadOnlyList<JobRequest> rescued, CancellationToken cancellationToken)
    {
        foreach (var row in rescued)
        {
            HostingLog.StaleJobRescued(_logger, row.Id, row.JobType, row.Status == JobStatus.Queued ? "queued again" : "failed");
            if (_registry.FindJob(row.JobType)?.Options.OnStale is { } onStale)
            {
                await _executor.CallHookAsync("OnStale", row, () => onStale(row, cancellationToken)).ConfigureAwait(false);
            }
        }
    }
}
