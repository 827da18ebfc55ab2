using JobRunners.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Hosting;

/// <summary>
/// Keeps every accepted job moving: rescues rows whose worker died (lapsed lease) and re-sends rows the backend never
/// accepted (the outbox), found in one store sweep per round; prunes finished rows past their retention now and then.
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

    // Retention is counted in days: pruning now and then is enough, and an idle process stays quiet.
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    private DateTimeOffset? _prunedAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = _time.GetUtcNow();
                await RunOnceAsync(prune: _prunedAt is not { } last || now - last >= PruneEvery, stoppingToken).ConfigureAwait(false);
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

    /// <summary>
    /// One round: one sweep of the store (rescue lapsed leases, list what the outbox must send), the sends, and
    /// (when <paramref name="prune"/>) pruning. Returns how many rows each step touched.
    /// </summary>
    internal async Task<(int Rescued, int Resent, int Pruned)> RunOnceAsync(bool prune, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var outbox = _runner as JobRunnerBase;
        var sweep = await _store.SweepAsync(new SweepRequest { UndispatchedBefore = outbox is null ? null : now - _options.OutboxGrace }, cancellationToken).ConfigureAwait(false);
        await _staleHooks.NotifyAsync(sweep.Rescued, cancellationToken).ConfigureAwait(false);

        // Rescued rows that are queued again have no dispatched_at: the outbox hands them over with the others.
        var toSend = sweep.Rescued.Where(r => r.Status == JobStatus.Queued).Concat(sweep.Undispatched).ToList();
        var resent = outbox is null ? 0 : await ResendAsync(outbox, toSend, cancellationToken).ConfigureAwait(false);
        var pruned = 0;
        if (prune)
        {
            pruned = await PruneAsync(cancellationToken).ConfigureAwait(false);
            _prunedAt = now;
        }

        return (sweep.Rescued.Count, resent, pruned);
    }

    private async Task<int> ResendAsync(JobRunnerBase runner, IReadOnlyList<JobRequest> pending, CancellationToken cancellationToken)
    {
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
