using JobRunners.PostgreSql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// <c>JOB_RUNNER=postgres</c>: the <c>job_request</c> table of the PostgreSQL store is the queue. Writing a job's
/// row is the enqueue (delays are native: <c>run_at</c>), in one statement with the NOTIFY that wakes idle workers
/// in every process (<see cref="IJobRowWriter"/>). Tasks are rows too (durable tasks, see <see cref="TaskRows"/>),
/// written the same way. A row handed over again only needs its wake-up.
/// </summary>
internal sealed partial class PostgreSqlTransport : IJobTransport, IJobRowWriter
{
    public const string RunnerName = "postgres";

    private readonly PostgreSqlRunnerOptions _options;
    private readonly PostgreSqlJobStore? _store;
    private readonly string _storeName;
    private readonly JobRegistry _registry;
    private readonly JobRunnersOptions _shared;
    private readonly TimeProvider _time;
    private readonly LocalWakeups _local;
    private readonly ILogger<PostgreSqlTransport> _logger;

    public PostgreSqlTransport(IOptions<PostgreSqlRunnerOptions> options, IJobStore store, JobRegistry registry, IOptions<JobRunnersOptions> shared, TimeProvider time, LocalWakeups local, ILogger<PostgreSqlTransport> logger)
    {
        _options = options.Value;
        _store = store as PostgreSqlJobStore;
        _storeName = store.Name;
        _registry = registry;
        _shared = shared.Value;
        _time = time;
        _local = local;
        _logger = logger;
        var clashing = registry.JobNames.Where(TaskRows.IsTask).Order(StringComparer.Ordinal).ToList();
        if (clashing.Count > 0)
        {
            throw new RegistrationException(
                $"The postgres runner stores tasks as rows whose job type starts with '{TaskRows.Prefix}', so no job name may start with it; rename: {string.Join(", ", clashing)}.");
        }
    }

    /// <summary>The PostgreSQL store; only null when the configuration check fails, which stops startup first.</summary>
    internal PostgreSqlJobStore Store => _store ?? throw new RunnerNotConfiguredException(CheckConfiguration(RunnerName));

    /// <summary>The NOTIFY channel workers listen on.</summary>
    internal string Channel => _options.Channel ?? Store.DefaultChannel;

    /// <summary>The row is the queue, <c>run_at</c> holds any delay, and workers find queued rows by polling.</summary>
    public JobTransportTraits Traits { get; } = new() { AcceptsOnWrite = true, MaxNativeDelay = TimeSpan.MaxValue, MessagesCanBeLost = false };

    public RunnerConfiguration CheckConfiguration(string runnerName)
    {
        var missing = PostgreSqlRunnerSettings.Check(_options, [.. _registry.JobNames, .. _registry.TaskNames]);
        if (_store is null)
        {
            missing.Insert(0, new MissingSetting(
                PostgreSqlRunnerSettings.ConnectionString,
                $"call jobs.UsePostgreSql() in AddJobRunners (package JobRunners.PostgreSql; the store in use is '{_storeName}'): " +
                "this runner's queue is the job_request table of the PostgreSQL store, which reads this connection string, " +
                "e.g. Host=db;Username=app;Password=...;Database=app (environment: ConnectionStrings__JobRunners)."));
        }

        return new RunnerConfiguration(runnerName, missing);
    }

    public ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken) => AnnounceAsync([job], cancellationToken);

    public async ValueTask<IReadOnlyList<Exception?>> SendJobsAsync(IReadOnlyList<JobRequest> jobs, bool redelivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        await AnnounceAsync(jobs, cancellationToken).ConfigureAwait(false);
        return new Exception?[jobs.Count];
    }

    private async ValueTask AnnounceAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken)
    {
        var messages = WakeMessage.For(jobs, _time.GetUtcNow());
        if (!_options.Listen)
        {
            _local.Publish(messages);
            return;
        }

        try
        {
            await Store.NotifyAsync(Channel, messages, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The row is written and is the queue: without the wake-up, workers still find it at their next poll.
            PostgreSqlLog.NotifyFailed(_logger, ex, jobs.Count, _options.PollInterval);
        }
    }
}
