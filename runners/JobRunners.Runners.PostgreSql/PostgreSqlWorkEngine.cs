using JobRunners.PostgreSql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// What every way of running this runner's rows shares (the hosted worker, <c>--once</c>, <c>--drain</c>): claiming
/// due rows of the served job types and queues in one statement, and running each claimed row, job or task row
/// alike, through the shared <see cref="JobExecutor"/>.
/// </summary>
internal sealed class PostgreSqlWorkEngine
{
    /// <summary>
    /// How long a worker waits, once a slot came free while others still run, for more slots before it claims: the
    /// outcomes of a batch are written together, so their slots come free together. A batching window, not domain
    /// time: it runs on the real clock.
    /// </summary>
    internal static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(2);

    private readonly JobExecutor _executor;
    private readonly JobRunnersOptions _shared;
    private readonly PostgreSqlJobStore _store;
    private readonly PostgreSqlRunnerOptions _options;
    private readonly string[] _jobTypes;
    private readonly HashSet<string> _served;
    private readonly string[]? _queues;
    private readonly ILogger<PostgreSqlWorkEngine> _logger;

    public PostgreSqlWorkEngine(IJobRunner runner, PostgreSqlTransport transport, JobExecutor executor, JobRegistry registry, IOptions<JobRunnersOptions> shared, TimeProvider time, IOptions<PostgreSqlRunnerOptions> options, ILogger<PostgreSqlWorkEngine> logger)
    {
        // The selected runner, resolved so its configuration check has run: the transport's store is then usable.
        if (!string.Equals(runner.Name, PostgreSqlTransport.RunnerName, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The PostgreSQL worker needs the postgres runner selected, not '{runner.Name}'.");
        }

        _executor = executor;
        _shared = shared.Value;
        Time = time;
        _store = transport.Store;
        Channel = transport.Channel;
        _options = options.Value;
        _logger = logger;

        var chosen = _options.JobTypes.Count == 0 ? null : new HashSet<string>(_options.JobTypes, StringComparer.Ordinal);
        _jobTypes = registry.JobNames.Where(name => chosen is null || chosen.Contains(name))
            .Concat(registry.TaskNames.Where(name => chosen is null || chosen.Contains(name)).Select(TaskRows.JobType))
            .Order(StringComparer.Ordinal)
            .ToArray();
        _served = new HashSet<string>(_jobTypes, StringComparer.Ordinal);
        _queues = _options.Queues.Count == 0 ? null : [.. _options.Queues];
    }

    public PostgreSqlJobStore Store => _store;

    public string Channel { get; }

    public string WorkerId => _executor.WorkerId;

    /// <summary>Where the long-running worker records each round, for the worker health check.</summary>
    public WorkerHeartbeat Heartbeat => _executor.Heartbeat;

    public TimeProvider Time { get; }

    public PostgreSqlRunnerOptions Options => _options;

    /// <summary>The most rows one claim takes.</summary>
    public int BatchSize => Math.Min(_options.BatchSize, _options.Concurrency);

    /// <summary>The job types (and <see cref="TaskRows"/> types) this worker runs.</summary>
    public IReadOnlyCollection<string> ServedJobTypes => _jobTypes;

    /// <summary>True when a notification may concern this worker.</summary>
    public bool Concerns(WakeMessage message) =>
        (message.JobType is null || _served.Contains(message.JobType))
        && (_queues is null || message.Queue is null || _queues.Contains(message.Queue, StringComparer.Ordinal));

    /// <summary>Claims up to <paramref name="limit"/> due rows in one statement; they run under this worker's lease.</summary>
    public async Task<IReadOnlyList<JobRequest>> ClaimAsync(int limit, CancellationToken cancellationToken)
    {
        if (_jobTypes.Length == 0)
        {
            return [];
        }

        return await _store.ClaimAsync(
            new JobClaimRequest
            {
                WorkerId = WorkerId,
                Lease = _shared.Lease,
                Limit = limit,
                JobTypes = _jobTypes,
                Queues = _queues,
                Runner = PostgreSqlTransport.RunnerName,
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>When this worker's next not-yet-due row comes due, or null (see <see cref="PostgreSqlJobStore.NextDueAsync"/>).</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) =>
        _jobTypes.Length == 0 ? null : await _store.NextDueAsync(PostgreSqlTransport.RunnerName, _jobTypes, _queues, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs one claimed row. Never throws: a store outage is logged and reported as a null outcome.</summary>
    /// <param name="row">The claimed row.</param>
    /// <param name="interrupt">Signalled to interrupt the attempt (shutdown timeout): the row goes back to queued.</param>
    public async Task<JobOutcome?> RunAsync(JobRequest row, CancellationToken interrupt)
    {
        ArgumentNullException.ThrowIfNull(row);
        try
        {
            return await _executor.ExecuteClaimedAsync(row, default, interrupt).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A store outage while finishing is logged; the worker goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PostgreSqlLog.OutcomeNotRecorded(_logger, ex, row.Id, row.JobType);
            return null;
        }
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
            PostgreSqlLog.FreedQueueNotAnnounced(_logger, ex, queue);
        }
    }
}
