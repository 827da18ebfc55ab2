using JobRunners.PostgreSql;
using JobRunners.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// <c>JOB_RUNNER=postgres</c>: the <c>job_request</c> table of the PostgreSQL store is the queue. Writing a job's
/// row is the enqueue (delays are native: <c>run_at</c>), in one statement with the NOTIFY that wakes idle workers
/// in every process. Tasks are rows too (durable tasks, see <see cref="TaskRows"/>), written the same way.
/// </summary>
internal sealed partial class PostgreSqlJobRunner : JobRunnerBase
{
    public const string RunnerName = "postgres";

    private readonly PostgreSqlRunnerOptions _options;
    private readonly PostgreSqlJobStore? _store;
    private readonly LocalWakeups _local;
    private readonly ILogger<PostgreSqlJobRunner> _logger;

    public PostgreSqlJobRunner(JobRunnerServices services, IOptions<PostgreSqlRunnerOptions> options, LocalWakeups local)
        : base(services)
    {
        _options = options.Value;
        _store = services.Store as PostgreSqlJobStore;
        _local = local;
        _logger = services.LoggerFactory.CreateLogger<PostgreSqlJobRunner>();
        var clashing = services.Registry.JobNames.Where(TaskRows.IsTask).Order(StringComparer.Ordinal).ToList();
        if (clashing.Count > 0)
        {
            throw new RegistrationException(
                $"The postgres runner stores tasks as rows whose job type starts with '{TaskRows.Prefix}', so no job name may start with it; rename: {string.Join(", ", clashing)}.");
        }
    }

    public override string Name => RunnerName;

    /// <summary>The PostgreSQL store; only null when the configuration check fails, which stops startup first.</summary>
    internal PostgreSqlJobStore Store => _store ?? throw new RunnerNotConfiguredException(CheckConfiguration());

    /// <summary>The NOTIFY channel workers listen on.</summary>
    internal string Channel => _options.Channel ?? Store.DefaultChannel;

    protected override bool AcceptsOnWrite => true;

    protected override TimeSpan MaxNativeDelay => TimeSpan.MaxValue;

    public override RunnerConfiguration CheckConfiguration()
    {
        var missing = PostgreSqlRunnerSettings.Check(_options);
        if (_store is null)
        {
            missing.Insert(0, new MissingSetting(
                PostgreSqlRunnerSettings.ConnectionString,
                $"call jobs.UsePostgreSql() in AddJobRunners (package JobRunners.PostgreSql; the store in use is '{Services.Store.Name}'): " +
                "this runner's queue is the job_request table of the PostgreSQL store, which reads this connection string, " +
                "e.g. Host=db;Username=app;Password=...;Database=app (environment: ConnectionStrings__JobRunners)."));
        }

        var unknown = _options.JobTypes.Where(name => !Services.Registry.HasJob(name) && !Services.Registry.HasTask(name)).ToList();
        if (unknown.Count > 0)
        {
            missing.Add(new MissingSetting(
                PostgreSqlRunnerSettings.JobTypes,
                $"names {string.Join(", ", unknown.Select(n => $"'{n}'"))}, which this process does not register as a job or task; a worker runs only what it registers."));
        }

        return new RunnerConfiguration(Name, missing);
    }

    protected override ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken) => AnnounceAsync([job], cancellationToken);

    protected override async ValueTask<IReadOnlyList<Exception?>> SendJobsAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        await AnnounceAsync(jobs, cancellationToken).ConfigureAwait(false);
        return new Exception?[jobs.Count];
    }

    private async ValueTask AnnounceAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken)
    {
        var messages = WakeMessage.For(jobs, Services.TimeProvider.GetUtcNow());
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
