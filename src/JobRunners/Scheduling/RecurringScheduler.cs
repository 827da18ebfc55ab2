using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Scheduling;

/// <summary>
/// The hosted scheduler. Every process runs one. It sleeps until the next run is due (asking the store at most every
/// <see cref="RecurringSchedulerOptions.IdleCheckInterval"/>, or at once when a schedule changes in this process);
/// while runs are due, each round takes or renews the scheduler lease, and only the holder dispatches them. A leader
/// that stops cleanly releases the lease so another takes over at once; one that dies simply stops renewing, and
/// another takes over once the lease expires.
/// </summary>
internal sealed class RecurringScheduler : BackgroundService
{
    private readonly IScheduleStore _store;
    private readonly ScheduleRunDispatcher _dispatcher;
    private readonly RecurringSchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RecurringScheduler> _logger;
    private readonly ScheduleChanges _changes;
    private volatile bool _isLeader;

    public RecurringScheduler(
        IScheduleStore store,
        ScheduleRunDispatcher dispatcher,
        IOptions<RecurringSchedulerOptions> options,
        IOptions<JobRunnersOptions> jobRunnersOptions,
        TimeProvider time,
        ILogger<RecurringScheduler> logger,
        ScheduleChanges changes)
    {
        _changes = changes;
        _store = store;
        _dispatcher = dispatcher;
        _options = options.Value;
        _time = time;
        _logger = logger;
        HolderId = _options.HolderId ?? jobRunnersOptions.Value.WorkerId;
    }

    /// <summary>This process's identity in the lease.</summary>
    public string HolderId { get; }

    /// <summary>True while this process led at its last round.</summary>
    public bool IsLeader => _isLeader;

    /// <summary>
    /// One round: take or renew the lease, then, as leader, act on every due schedule (renewing the lease along the
    /// way when a round runs long, and stopping when it is lost).
    /// </summary>
    internal async Task<SchedulerRound> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!await RenewAsync(cancellationToken).ConfigureAwait(false))
        {
            return new SchedulerRound(false, 0);
        }

        var renewedAt = _time.GetUtcNow();
        var due = await _store.ListDueAsync(renewedAt, _options.BatchSize, cancellationToken).ConfigureAwait(false);
        var dispatched = 0;
        foreach (var schedule in due)
        {
            var now = _time.GetUtcNow();
            if (now - renewedAt >= TimeSpan.FromTicks(_options.Lease.Ticks / 3))
            {
                if (!await RenewAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                renewedAt = now;
            }

            if (await _dispatcher.ProcessAsync(schedule, now, HolderId, cancellationToken).ConfigureAwait(false))
            {
                dispatched++;
            }
        }

        return new SchedulerRound(true, dispatched);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!_isLeader)
        {
            return;
        }

        try
        {
            await _store.ReleaseLeaseAsync(HolderId, cancellationToken).ConfigureAwait(false);
            _isLeader = false;
            SchedulingLog.ReleasedLeadership(_logger, HolderId);
        }
#pragma warning disable CA1031 // Shutdown goes on; the lease then simply expires.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SchedulingLog.LeaseReleaseFailed(_logger, ex, HolderId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            SchedulingLog.Disabled(_logger, RecurringSchedulerOptions.SectionName);
            return;
        }

        if (_store is MissingScheduleStore)
        {
            SchedulingLog.IdleWithoutScheduleStore(_logger);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan sleep;
            try
            {
                sleep = await StepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The scheduler retries on its next round; a store outage must not stop the host.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                SchedulingLog.RoundFailed(_logger, ex, _options.PollInterval);
                sleep = _options.PollInterval;
            }

            if (sleep > TimeSpan.Zero)
            {
                await _changes.WaitAsync(sleep, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Looks at the store once: runs a round when something is due, and says how long to sleep before the next
    /// look: until the next run (at most <see cref="RecurringSchedulerOptions.IdleCheckInterval"/>), or
    /// <see cref="RecurringSchedulerOptions.PollInterval"/> while runs are due and another process leads.
    /// </summary>
    private async Task<TimeSpan> StepAsync(CancellationToken cancellationToken)
    {
        var next = await _store.NextDueAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (next is { } due && due <= now)
        {
            var round = await RunOnceAsync(cancellationToken).ConfigureAwait(false);

            // A leader that dispatched looks again at once (more may be due). A follower waits, in case the leader
            // stopped; so does a leader that could not dispatch what is due (a run waiting for the previous one).
            return round.IsLeader && round.Dispatched > 0 ? TimeSpan.Zero : _options.PollInterval;
        }

        // Nothing due: a leader keeps no lease it does not need; the next due run is raced for when it comes.
        return next is { } later && later - now < _options.IdleCheckInterval ? later - now : _options.IdleCheckInterval;
    }

    private async ValueTask<bool> RenewAsync(CancellationToken cancellationToken)
    {
        bool leads;
        try
        {
            leads = await _store.TryAcquireLeaseAsync(HolderId, _options.Lease, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Unsure whether the lease is still ours: act as a follower until a renewal succeeds.
            _isLeader = false;
            throw;
        }

        if (leads && !_isLeader)
        {
            SchedulingLog.TookLeadership(_logger, HolderId);
        }
        else if (!leads && _isLeader)
        {
            SchedulingLog.LostLeadership(_logger, HolderId);
        }

        _isLeader = leads;
        return leads;
    }
}
