using JobRunners.Conformance;
using JobRunners.PostgreSql;
using JobRunners.Scheduling;
using JobRunners.Sqlite;
using JobRunners.Tests.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using NUnit.Framework;

namespace JobRunners.Tests.Hosting;

/// <summary>
/// The application chooses its store in code (<c>UseSqlite</c>, <c>UsePostgreSql</c>, <c>UseStore</c>); the core
/// ships neither, and a host without one stops at start saying which call to add.
/// </summary>
[TestFixture]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class StoreChoiceTests : IDisposable
{
    private readonly TempFile _database = new();

    public void Dispose() => _database.Dispose();

    [Test]
    public async Task Start_NoStoreChosen_FailsNamingUseSqliteAndUsePostgreSqlBeforeAnyHostedServiceStarts()
    {
        var started = new StartProbe();
        var builder = NewBuilder(new Dictionary<string, string?>());
        builder.Services.AddSingleton<IHostedService>(started);
        builder.AddJobRunners(jobs => jobs.AddInProcessRunner());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<RegistrationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("jobs.UseSqlite()").And.Contain("JobRunners.Sqlite")
            .And.Contain("jobs.UsePostgreSql()").And.Contain("JobRunners.PostgreSql"));
        Assert.That(started.Started, Is.False, "no hosted service ran");
    }

    [Test]
    public async Task Start_UsePostgreSqlWithoutConnectionString_FailsNamingTheSetting()
    {
        var started = new StartProbe();
        var builder = NewBuilder(new Dictionary<string, string?>());
        builder.Services.AddSingleton<IHostedService>(started);
        builder.AddJobRunners(jobs => jobs.UsePostgreSql().AddInProcessRunner());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<JobStoreException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("ConnectionStrings:JobRunners").And.Contain("NpgsqlDataSource"));
        Assert.That(started.Started, Is.False, "no hosted service ran");
    }

    [Test]
    public async Task UsePostgreSql_ApplicationDataSource_RunsJobOnItAndLeavesItOpen()
    {
        await PostgresServer.EnsureReachableAsync();
        var schema = PostgresServer.NewSchemaName();
        var dataSource = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
        await using (dataSource)
        {
            try
            {
                var ran = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                var builder = NewBuilder(new Dictionary<string, string?> { ["JOB_RUNNER"] = "in-process" });
                builder.AddJobRunners(jobs => jobs
                    .UsePostgreSql(dataSource, o => o.Schema = schema)
                    .AddInProcessRunner()
                    .AddJob<string>("greet", (_, context, _) =>
                    {
                        ran.TrySetResult(context.JobId);
                        return ValueTask.CompletedTask;
                    }));
                long id;
                using (var host = builder.Build())
                {
                    await host.StartAsync();
                    var store = host.Services.GetRequiredService<IJobStore>();
                    Assert.That(store, Is.InstanceOf<PostgreSqlJobStore>());
                    Assert.That(host.Services.GetRequiredService<IScheduleStore>(), Is.InstanceOf<PostgreSqlScheduleStore>());

                    id = (await host.Services.GetRequiredService<IJobRunner>().DispatchJobAsync("greet", "Ada")).Id;
                    Assert.That(await ran.Task.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(id));
                    Assert.That((await StoreWaits.UntilFinalAsync(store, id, TimeSpan.FromSeconds(30))).Status, Is.EqualTo(JobStatus.Succeeded));
                    await host.StopAsync();
                }

                // The host is disposed; the application's data source still works and holds the row.
                await using var command = dataSource.CreateCommand($"SELECT status FROM \"{schema}\".job_request WHERE id = $1");
                command.Parameters.Add(new NpgsqlParameter { Value = id });
                Assert.That(await command.ExecuteScalarAsync(), Is.Not.Null);
            }
            finally
            {
                await PostgresServer.DropSchemaAsync(schema);
            }
        }
    }

    [Test]
    public async Task UseSqlite_RegistersTheScheduleStoreOfTheSameFile_RecurringJobRuns()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using var node = await SchedulerNode.StartAsync(_database.Path, time, "node-a");

        Assert.That(node.Schedules, Is.InstanceOf<SqliteScheduleStore>());
        Assert.That(((SqliteScheduleStore)node.Schedules).DatabasePath, Is.EqualTo(((SqliteJobStore)node.Jobs).DatabasePath));
        await node.Recurring.AddOrUpdateAsync(new RecurringJob
        {
            Tag = "minutely",
            JobType = SchedulerNode.ReportJob,
            Payload = new ReportPayload("daily"),
            Schedule = Schedule.Every(TimeSpan.FromMinutes(1)),
        });
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.That((await node.RunOnceAsync()).Dispatched, Is.EqualTo(1));
        Assert.That(node.Runs.Select(r => r.Payload.Name), Is.EqualTo(new[] { "daily" }), "the sync runner ran the dispatched run");
    }

    [Test]
    public void StoreCalls_LastOneWins()
    {
        var services = new ServiceCollection();
        services.AddJobRunners(Configuration(), jobs => jobs.UsePostgreSql("Host=unused;Database=unused").UseSqlite(_database.Path));
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IJobStore>(), Is.InstanceOf<SqliteJobStore>());
        Assert.That(provider.GetRequiredService<IScheduleStore>(), Is.InstanceOf<SqliteScheduleStore>());
    }

    [Test]
    public async Task UseStore_AfterUseSqlite_CustomJobStoreHasNoScheduleStoreUntilOneIsGiven()
    {
        var services = new ServiceCollection();
        services.AddJobRunners(Configuration(), jobs => jobs
            .UseSqlite(_database.Path)
            .UseStore(sp => new SqliteJobStore(new SqliteStoreOptions { Path = _database.Path }, sp.GetRequiredService<TimeProvider>())));
        await using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<JobStoreException>(async () => await provider.GetRequiredService<IScheduleStore>().ListAsync());

        Assert.That(error!.Message, Does.Contain("UseScheduleStore"));
    }

    private IConfiguration Configuration() =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["JobRunners:Sqlite:Path"] = _database.Path }).Build();

    private static HostApplicationBuilder NewBuilder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    private sealed class StartProbe : IHostedService
    {
        public bool Started { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
