using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace JobRunners.Tests.Health;

[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class JobRunnersHealthChecksTests
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"jobrunners-health-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [TearDown]
    public void DeleteStore()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_database + suffix);
        }
    }

    [Test]
    public async Task Store_PostgreSqlServerStopped_UnhealthyNamingTheStoreWithoutThePassword()
    {
        await using var services = Build(new() { ["ConnectionStrings:JobRunners"] = "Host=127.0.0.1;Port=1;Username=app;Password=hunter2;Database=jobs;Timeout=2" });

        var entry = await CheckAsync(services, JobRunnersHealthChecksBuilderExtensions.StoreCheck);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Does.Contain("postgres").And.Contain("127.0.0.1:1").And.Contain("unreachable").And.Not.Contain("hunter2"));
        Assert.That(entry.Exception, Is.Null, "no stack trace in the report");
    }

    [Test]
    public async Task Store_MigrationsPendingAndNoMigrationAtStart_UnhealthySayingMigrate()
    {
        await using var services = Build(new() { ["JobRunners:MigrateOnStartup"] = "false" });

        var entry = await CheckAsync(services, JobRunnersHealthChecksBuilderExtensions.StoreCheck);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Does.Contain("sqlite").And.Contain(_database).And.Contain("jobrunners migrate"));
    }

    [Test]
    public async Task Store_Migrated_Healthy()
    {
        await using var services = Build([]);
        await services.GetRequiredService<IJobStore>().MigrateAsync();

        var entry = await CheckAsync(services, JobRunnersHealthChecksBuilderExtensions.StoreCheck);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Healthy), entry.Description);
    }

    [Test]
    public async Task Backlog_OldestDueJobPastThreshold_DegradedNamingQueueAndAge()
    {
        await using var services = Build(new() { ["JobRunners:Health:MaxOldestDueWait"] = "00:05:00", ["JobRunners:Health:MaxOutboxAge"] = "01:00:00" });
        await InsertAsync(services, "emails");
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.That((await CheckAsync(services, JobRunnersHealthChecksBuilderExtensions.BacklogCheck)).Status, Is.EqualTo(HealthStatus.Healthy));

        _time.Advance(TimeSpan.FromMinutes(3));
        var entry = await CheckAsync(services, JobRunnersHealthChecksBuilderExtensions.BacklogCheck);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(entry.Description, Does.Contain("queue 'emails'").And.Contain("oldest due job has waited 7 min"));
    }

    [Test]
    public async Task Backlog_OutboxRowsPastThreshold_DegradedNamingQueue()
    {
        await using var services = Build(new() { ["JobRunners:Health:MaxOldestDueWait"] = "01:00:00" }, health => health.MaxOutboxAge = TimeSpan.FromMinutes(2));
        await InsertAsync(services, "reports");
        _time.Advance(TimeSpan.FromMinutes(3));

        var entry = await CheckAsync(services, JobRunnersHealthChecksBuilderExtensions.BacklogCheck);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(entry.Description, Does.Contain("queue 'reports'").And.Contain("wait for the outbox, the oldest for 3 min"));
    }

    [Test]
    public async Task Worker_LoopStopsPolling_UnhealthyNamingIt()
    {
        await using var services = Build([]);
        Assert.That((await CheckAsync(services, JobRunnersHealthChecksBuilderExtensions.WorkerCheck)).Description, Is.EqualTo("No worker in this process."));
        services.GetRequiredService<JobExecutor>().Heartbeat.Beat("queue-a");
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.That((await CheckAsync(services, JobRunnersHealthChecksBuilderExtensions.WorkerCheck)).Status, Is.EqualTo(HealthStatus.Healthy));

        _time.Advance(TimeSpan.FromMinutes(2));
        var entry = await CheckAsync(services, JobRunnersHealthChecksBuilderExtensions.WorkerCheck);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Does.Contain("queue-a last polled 3 min ago"));
    }

    [Test]
    public async Task Worker_LoopWaitingOnInProcessSignal_HealthyHoweverQuiet()
    {
        await using var services = Build([]);
        services.GetRequiredService<WorkerHeartbeat>().Beat("in-process", polls: false);
        _time.Advance(TimeSpan.FromHours(2));

        var entry = await CheckAsync(services, JobRunnersHealthChecksBuilderExtensions.WorkerCheck);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Healthy), entry.Description);
    }

    [Test]
    public async Task Backend_TransportUnreachable_UnhealthyWithItsMessage()
    {
        await using var services = Build([], runner: jobs => jobs.AddRunner<UnreachableTransport>("down"), selected: "down");

        var entry = await CheckAsync(services, JobRunnersHealthChecksBuilderExtensions.BackendCheck);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Is.EqualTo("Runner down: queue 'jobs' answered 403 AuthorizationFailure"));
    }

    private ServiceProvider Build(Dictionary<string, string?> settings, Action<JobRunnersHealthOptions>? health = null, Action<JobRunnersBuilder>? runner = null, string selected = "sync")
    {
        settings.TryAdd("JobRunners:Sqlite:Path", _database);
        settings["JOB_RUNNER"] = selected;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddJobRunners(configuration, jobs =>
        {
            jobs.UseConfiguredStore().AddSynchronousRunner();
            runner?.Invoke(jobs);
        });
        services.AddHealthChecks().AddJobRunners(health);
        return services.BuildServiceProvider();
    }

    private static async Task InsertAsync(ServiceProvider services, string queue)
    {
        var store = services.GetRequiredService<IJobStore>();
        await store.MigrateAsync();
        await store.InsertAsync(new NewJobRequest { JobType = "export", QueueName = queue, Payload = "{}" });
    }

    private static async Task<HealthReportEntry> CheckAsync(ServiceProvider services, string name)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == name);
        return report.Entries[name];
    }

    private sealed class UnreachableTransport : IJobTransport
    {
        public ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(TransportHealth.Unreachable("queue 'jobs' answered 403 AuthorizationFailure"));
    }
}
