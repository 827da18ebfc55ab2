using JobRunners.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Hosting;

/// <summary>
/// Keeps every accepted job moving: rescues rows whose worker died (lapsed lease), re-sends rows the backend never
/// accepted (the outbox), and prunes finished rows past their retention.
/// </summary>
internal sealed class JobMaintenanceService : BackgroundService
{
    private readonly IJobStore _store;
    private readonly IJobRunner _runner;
    private readonly JobRegistry _registry;
    private readonly JobRunnersOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobMaintenanceService> _logger;
    private readonly StaleJobHooks _staleHooks;

    public JobMaintenanceService(IJobStore store, IJobRunner runner, JobRegistry registry, IOptions<JobRunnersOptions> options, TimeProvider time, ILogger<JobMaintenanceService> logger, StaleJobHooks staleHooks)
    {
        _staleHooks = staleHooks;
        _store = store;
        _runner = runner;
        _registry = registry;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Maintenance retries on its next round; a store outage must not stop the host.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogError(ex, "Job maintenance failed; trying again in {Interval}.", _options.MaintenanceInterval);
            }

            try
            {
                await Task.Delay(_options.MaintenanceInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: rescue, outbox, prune. Returns how many rows each step touched.</summary>
    internal async Task<(int Rescued, int Resent, int Pruned)> RunOnceAsync(CancellationToken cancellationToken)
    {
        var rescued = await _store.RescueExpiredLeasesAsync(cancellationToken).ConfigureAwait(false);
        await _staleHooks.NotifyAsync(rescued, cancellationToken).ConfigureAwait(false);

        var resent = await ResendUndispatchedAsync(cancellationToken).ConfigureAwait(false);
        var pruned = await PruneAsync(cancellationToken).ConfigureAwait(false);
        return (rescued.Count, resent, pruned);
    }

    private async Task<int> ResendUndispatchedAsync(CancellationToken cancellationToken)
    {
        if (_runner is not JobRunnerBase runner)
        {
            return 0;
        }

        var now = _time.GetUtcNow();
        var pending = await _store.ListQueuedAsync(new QueuedQuery { UndispatchedOnly = true, CreatedBefore = now - _options.OutboxGrace, DueBy = now }, cancellationToken).ConfigureAwait(false);
        var sent = 0;
        foreach (var row in pending)
        {
            try
            {
                await runner.RedispatchAsync(row, cancellationToken).ConfigureAwait(false);
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "The outbox could not re-send job {JobId} ({JobType}) to {Runner}; it stays queued and is tried again next round.", row.Id, row.JobType, runner.Name);
                break;
            }
        }

        if (sent > 0)
        {
            _logger.LogInformation("The outbox re-sent {Count} job(s) to {Runner}.", sent, runner.Name);
        }

        return sent;
    }

    private async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var pruned = 0;
        var custom = new List<string>();
        foreach (var jobType in _registry.JobNames)
        {
            if (_registry.FindJob(jobType)?.Options.Retention is { } retention)
            {
                custom.Add(jobType);
                pruned += await _store.PruneAsync(now - retention, jobType, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        // Everything else, including types registered only in other processes, keeps the global retention.
        return pruned + await _store.PruneAsync(now - _options.Retention, null, custom, cancellationToken).ConfigureAwait(false);
    }
}
