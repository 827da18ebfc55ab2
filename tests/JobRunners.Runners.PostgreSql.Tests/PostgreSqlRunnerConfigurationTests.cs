using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>Selection and settings: legacy mapping, the configuration check, flat names, the lease.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class PostgreSqlRunnerConfigurationTests : PostgreSqlTestBase
{
    [Test]
    public async Task Legacy_NeitherSyncNorSameProcess_SelectsPostgresRunner()
    {
        await using var host = await StartHostAsync(With(("JOB_RUNNER", "legacy"), ("JOBS_SYNC", "false")));

        Assert.Multiple(() =>
        {
            Assert.That(host.Runner.Name, Is.EqualTo("postgres"));
            Assert.That(host.Runner.CheckConfiguration().FullyConfigured, Is.True);
        });
    }

    [Test]
    public async Task Startup_StoreIsNotPostgreSql_FailsSayingCallUsePostgreSql()
    {
        // The app registers this runner beside others and chose SQLite: selecting this runner needs the PostgreSQL store.
        var path = NewSharedStorePath();
        using var host = BuildHost(configure: jobs => jobs.UseSqlite(path));

        var error = await Assert.ThrowsAsync<RunnerNotConfiguredException>(async () => await host.StartAsync());

        Assert.That(error!.Message, Does.Contain("call jobs.UsePostgreSql()").And.Contain("'sqlite'"));
    }

    [Test]
    public async Task Startup_BadValuesAndUnknownJobType_FailsNamingEverySetting()
    {
        using var host = BuildHost(With(
            ("JOBRUNNERS_POSTGRES_CONCURRENCY", "many"),
            ("JobRunners:PostgreSql:PollInterval", "00:00:00"),
            ("JOBRUNNERS_POSTGRES_JOB_TYPES", "no-such-job"),
            ("JobRunners:PostgreSql:Channel", "bad channel")));

        var error = await Assert.ThrowsAsync<RunnerNotConfiguredException>(async () => await host.StartAsync());

        Assert.That(error!.Configuration.Missing.Select(m => m.Name), Is.EquivalentTo(new[]
        {
            "JobRunners:PostgreSql:Concurrency",
            "JobRunners:PostgreSql:PollInterval",
            "JobRunners:PostgreSql:JobTypes",
            "JobRunners:PostgreSql:Channel",
        }));
        Assert.That(error.Message, Does.Contain("JOBRUNNERS_POSTGRES_CONCURRENCY").And.Contain("no-such-job"));
    }

    [Test]
    public async Task Options_FlatNames_AreRead()
    {
        await using var host = await StartHostAsync(With(
            ("JOBRUNNERS_POSTGRES_CONCURRENCY", "5"),
            ("JOBRUNNERS_POSTGRES_POLL_INTERVAL", "00:00:02"),
            ("JOBRUNNERS_POSTGRES_BATCH_SIZE", "7"),
            ("JOBRUNNERS_POSTGRES_LISTEN", "false"),
            ("JOBRUNNERS_POSTGRES_LEASE", "00:00:05")));

        var options = host.Services.GetRequiredService<IOptions<PostgreSqlRunnerOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(options.Concurrency, Is.EqualTo(5));
            Assert.That(options.PollInterval, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(options.BatchSize, Is.EqualTo(7));
            Assert.That(options.Listen, Is.False);
            Assert.That(host.Services.GetRequiredService<IOptions<JobRunnersOptions>>().Value.Lease, Is.EqualTo(TimeSpan.FromSeconds(5)), "the runner's lease is the executor's");
        });
    }

    [Test]
    public async Task ListenOff_JobDispatchedInProcess_StartsWithoutWaitingForThePoll()
    {
        await using var host = await StartHostAsync(With(("JOBRUNNERS_POSTGRES_LISTEN", "false"), ("JOBRUNNERS_POSTGRES_POLL_INTERVAL", "00:00:30")));
        await Task.Delay(300);
        var key = NewKey();

        var job = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key));

        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (TestJobs.StartsOf(key).Count == 0)
        {
            await Task.Delay(20, quick.Token);
        }

        Assert.That((await host.WaitForFinalAsync(job.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public void AddJob_NameWithTaskPrefix_FailsAtStartup()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(builder.Configuration, new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "postgres",
            ["ConnectionStrings:JobRunners"] = TestDatabase.ConnectionString,
            ["JobRunners:PostgreSql:Schema"] = Schema,
        });
        builder.Services.AddJobRunners(builder.Configuration, jobs => jobs
            .UsePostgreSql()
            .AddPostgreSqlRunner()
            .AddJob<TestPayload>("task:sneaky", (_, _, _) => ValueTask.CompletedTask));
        using var host = builder.Build();

        var error = Assert.Throws<RegistrationException>(() => host.Services.GetRequiredService<IJobRunner>());

        Assert.That(error!.Message, Does.Contain("task:sneaky"));
    }
}
