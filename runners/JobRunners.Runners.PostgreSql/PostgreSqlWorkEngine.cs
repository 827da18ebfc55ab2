using JobRunners.PostgreSql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// What every way of running this runner's rows shares (the hosted worker, <c>--once</c>, <c>--drain</c>): fetching
/// due rows of the served job types and queues, and running each through the shared <see cref="JobExecutor"/>.
/// </summary>
/// <remarks>
/// A fetch reserves rows with <c>FOR UPDATE SKIP LOCKED</c>, so concurrent workers take disjoint rows. Job rows are
/// then claimed one by one by <see cref="JobExecutor.ExecuteJobAsync(long, CancellationToken)"/>, the executor's
/// atomic claim (the executor runs only rows it claimed itself); task rows, which this runner runs itself, are
/// claimed together in one round trip.
/// </remarks>
internal sealed partial class PostgreSqlWorkEngine
{
    // Other workers skip a reserved row this long if this worker never claims it (it claims within milliseconds;
    // the reservation only matters when this process dies in between).
    internal static readonly TimeSpan ReservationTime = TimeSpan.FromSeconds(10);

    private readonly JobRunnerServices _services;
    private readonly PostgreSqlJobStore _store;
    private readonly PostgreSqlRunnerOptions _options;
    private readonly string[] _jobTypes;
    private readonly HashSet<string> _served;
    private readonly string[]? _queues;
    private readonly ILogger<PostgreSqlWorkEngine> _logger;

    public PostgreSqlWorkEngine(IJobRunner runner, JobRunnerServices services, IOptions<PostgreSqlRunnerOptions> options)
    {
        var postgres = runner as PostgreSqlJobRunner
            ?? throw new InvalidOperationException($"The PostgreSQL worker needs the postgres runner selected, not '{runner.Name}'.");
        _services = services;
        _store = postgres.Store;
        Channel = postgres.Channel;
        _options = options.Value;
        _logger = services.LoggerFactory.CreateLogger<PostgreSqlWorkEngine>();

        var chosen = _options.JobTypes.Count == 0 ? null : new HashSet<string>(_options.JobTypes, StringComparer.Ordinal);
        _jobTypes = services.Registry.JobNames.Where(name => chosen is null || chosen.Contains(name))
            .Concat(services.Registry.TaskNames.Where(name => chosen is null || chosen.Contains(name)).Select(TaskRows.JobType))
            .Order(StringComparer.Ordinal)
            .ToArray();
        _served = new HashSet<string>(_jobTypes, StringComparer.Ordinal);
        _queues = _options.Queues.Count == 0 ? null : [.. _options.Queues];
    }

    public PostgreSqlJobStore Store => _store;

    public string Channel { get; }

    public string WorkerId => _services.Executor.WorkerId;

    public TimeProvider Time => _services.TimeProvider;

    public PostgreSqlRunnerOptions Options => _options;

    /// <summary>The most rows one fetch takes.</summary>
    public int BatchSize => Math.Min(_options.BatchSize, _options.Concurrency);

    /// <summary>The job types (and <see cref="TaskRows"/> types) this worker runs.</summary>
    public IReadOnlyCollection<string> ServedJobTypes => _jobTypes;

    /// <summary>True when a notification may concern this worker.</summary>
    public bool Concerns(WakeMessage message) =>
        (message.JobType is null || _served.Contains(message.JobType))
        && (_queues is null || message.Queue is null || _queues.Contains(message.Queue, StringComparer.Ordinal));

    /// <summary>Reserves up to <paramref name="limit"/> due rows and claims the task rows among them.</summary>
    /// <returns>How many rows were reserved (a full fetch means more may be due), and what to run, in order.</returns>
    public async Task<(int Reserved, IReadOnlyList<WorkItem> Items)> FetchAsync(int limit, CancellationToken cancellationToken)
    {
        if (_jobTypes.Length == 0)
        {
            return (0, []);
        }

        var reservation = new QueueReservation(WorkerId, PostgreSqlJobRunner.RunnerName, _jobTypes, _queues, limit, ReservationTime);
        var reserved = await _store.ReserveAsync(reservation, cancellationToken).ConfigureAwait(false);
        var taskIds = reserved.Where(r => TaskRows.IsTask(r.JobType)).Select(r => r.Id).ToList();
        var claimed = new Dictionary<long, JobRequest>();
        if (taskIds.Count > 0)
        {
            // Not cancelled halfway: rows reserved and left unclaimed would wait out their reservation.
            foreach (var row in await _store.ClaimReservedAsync(taskIds, WorkerId, _services.Options.Lease, CancellationToken.None).ConfigureAwait(false))
            {
                claimed[row.Id] = row;
            }

            await ReleaseAsync(taskIds.Where(id => !claimed.ContainsKey(id)).ToList()).ConfigureAwait(false);
        }

        var items = reserved
            .Where(r => !TaskRows.IsTask(r.JobType) || claimed.ContainsKey(r.Id))
            .Select(r => new WorkItem(r, claimed.GetValueOrDefault(r.Id)))
            .ToList();
        return (reserved.Count, items);
    }

    /// <summary>Runs one fetched row. Never throws: a store outage is logged and reported with a null status.</summary>
    /// <param name="item">The row.</param>
    /// <param name="interrupt">Signalled to interrupt the attempt (shutdown timeout): the row goes back to queued.</param>
    public Task<WorkOutcome> RunAsync(WorkItem item, CancellationToken interrupt)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.ClaimedTask is { } task ? RunTaskAsync(item.Row, task, interrupt) : RunJobAsync(item.Row, interrupt);
    }

    /// <summary>Tells every worker that a queue a locking job held is free (best effort).</summary>
    public async Task AnnounceFreedQueueAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            await _store.NotifyAsync(Channel, [new WakeMessage(null, queue, null).Serialize()], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogDebug(ex, "Could not announce that queue {Queue} is free; workers find its jobs at their next poll.", queue);
        }
    }

    private async Task<WorkOutcome> RunJobAsync(ReservedJob row, CancellationToken interrupt)
    {
        try
        {
            var outcome = await _services.Executor.ExecuteJobAsync(row.Id, interrupt).ConfigureAwait(false);
            if (outcome.Status is ExecutionStatus.NotDue or ExecutionStatus.QueueLocked)
            {
                await ReleaseAsync([row.Id]).ConfigureAwait(false);
            }

            return new WorkOutcome(row, outcome.Status, outcome.Status == ExecutionStatus.Released ? null : outcome.RetryAt);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            // Interrupted before the claim finished: the row is still queued and its reservation lapses.
            return new WorkOutcome(row, null);
        }
#pragma warning disable CA1031 // A store outage while claiming or finishing is logged; the worker goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Job {JobId} ({JobType}) could not be run or its outcome not recorded; if it was claimed, its lease lapses and it is rescued.", row.Id, row.JobType);
            return new WorkOutcome(row, null);
        }
    }

    private async Task ReleaseAsync(IReadOnlyList<long> ids)
    {
        try
        {
            await _store.ReleaseReservationsAsync(ids, WorkerId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogDebug(ex, "Could not release reserved rows {Ids}; other workers take them once the reservation lapses.", ids);
        }
    }
}
