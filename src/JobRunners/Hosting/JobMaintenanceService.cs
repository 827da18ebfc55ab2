using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Hosting;

/// <summary>
/// Runs a <see cref="JobMaintenance"/> round every <see cref="JobRunnersOptions.MaintenanceInterval"/>, for as long as
/// the host runs: the reconciler every <see cref="ReconcileEveryRounds"/>th round, pruning now and then.
/// </summary>
internal sealed class JobMaintenanceService : BackgroundService
{
    // Retention is counted in days: pruning now and then is enough, and an idle process stays quiet.
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    private readonly JobMaintenance _maintenance;
    private readonly JobRunnersOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobMaintenanceService> _logger;

    // Lost messages wait RedeliverAfter (minutes) and adoption follows a rare JOB_RUNNER switch: looking every fourth
    // round (a minute by default) is soon enough, and keeps an idle worker at a few statements a minute.
    internal const int ReconcileEveryRounds = 4;

    private DateTimeOffset? _prunedAt;
    private long _rounds;

    public JobMaintenanceService(JobMaintenance maintenance, IOptions<JobRunnersOptions> options, TimeProvider time, ILogger<JobMaintenanceService> logger)
    {
        _maintenance = maintenance;
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
                HostingLog.MaintenanceFailed(_logger, ex, _options.MaintenanceInterval);
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

    /// <summary>One round, pruning when the last prune is <see cref="PruneEvery"/> old.</summary>
    internal async Task<MaintenanceRound> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var prune = _prunedAt is not { } last || now - last >= PruneEvery;
        var reconcile = _rounds++ % ReconcileEveryRounds == 0;
        var round = await _maintenance.RunOnceAsync(prune, reconcile, cancellationToken).ConfigureAwait(false);
        if (prune)
        {
            _prunedAt = now;
        }

        return round;
    }
}
