using System.Collections.Concurrent;
using System.Globalization;
using JobRunners.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace JobRunners.Tests.Scheduling;

/// <summary>
/// Two real hosts on one PostgreSQL schema, in real time: one leads, it is stopped abruptly (no graceful release),
/// the other takes over within the lease, and every run is dispatched exactly once.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgresHandoverTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(1.2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<(string Host, long JobId)> _runs = new();
    private string? _schema;

    [SetUp]
    public async Task CreateSchemaAsync()
    {
        await PostgresServer.EnsureReachableAsync();
        _schema = PostgresServer.NewSchemaName();
    }

    [TearDown]
    public async Task DropSchemaAsync()
    {
        if (_schema is { } schema)
        {
            _schema = null;
            await PostgresServer.DropSchemaAsync(schema);
        }
    }

    [Test]
    public async Task Scheduler_LeaderHostStoppedAbruptly_OtherHostTakesOverWithEachRunOnce()
    {
        var hostA = await StartHostAsync("host-a");
        var hostB = await StartHostAsync("host-b");
        var hosts = new Dictionary<string, IHost> { ["host-a"] = hostA, ["host-b"] = hostB };
        var store = hostB.Services.GetRequiredService<IScheduleStore>();
        var jobs = hostB.Services.GetRequiredService<IJobStore>();
        try
        {
            await WaitUntilAsync(async () => (await RowsAsync(jobs)).Count >= 2, "two runs under the first leader");
            var leader = (await store.GetLeaseAsync())!.Holder;
            var survivor = leader == "host-a" ? "host-b" : "host-a";

            // Observe through the survivor: the leader's services go away with it.
            store = hosts[survivor].Services.GetRequiredService<IScheduleStore>();
            jobs = hosts[survivor].Services.GetRequiredService<IJobStore>();

            // Abrupt stop: no StopAsync, so the leader never releases its lease; the survivor must wait for it to expire.
            hosts[leader].Dispose();
            var stoppedAt = DateTime.UtcNow;
            var before = (await RowsAsync(jobs)).Count;
            await WaitUntilAsync(async () => (await store.GetLeaseAsync())?.Holder == survivor, $"{survivor} to take the lease");
            var handover = DateTime.UtcNow - stoppedAt;
            await WaitUntilAsync(async () => (await RowsAsync(jobs)).Count >= before + 2, "two runs under the new leader");
            await hosts[survivor].StopAsync();

            var rows = await RowsAsync(jobs);
            var dueTimes = rows.Select(r => new DateTimeOffset(long.Parse(r.UniqueKey!.Split(':')[2], CultureInfo.InvariantCulture), TimeSpan.Zero)).ToList();
            await TestContext.Out.WriteLineAsync($"{leader} stopped; {survivor} led after {handover.TotalMilliseconds:F0} ms; runs due at {string.Join(", ", dueTimes.Select(d => d.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))}; executed by {string.Join(", ", _runs.Select(r => r.Host))}.");
            Assert.That(rows.Select(r => r.UniqueKey).Distinct().Count(), Is.EqualTo(rows.Count), "No run was dispatched twice.");
            for (var i = 1; i < dueTimes.Count; i++)
            {
                Assert.That(dueTimes[i] - dueTimes[i - 1], Is.EqualTo(Interval), $"Run {i} follows run {i - 1} on the grid: none was lost.");
            }

            Assert.That(handover, Is.LessThan(Lease + TimeSpan.FromSeconds(2)), "The survivor took over within the lease.");
            Assert.That(_runs.Where(r => r.Host == survivor), Is.Not.Empty);
            var schedule = await store.GetAsync("tick");
            Assert.That(schedule!.Executions, Is.EqualTo(rows.Count));
        }
        finally
        {
            hostA.Dispose();
            hostB.Dispose();
        }
    }

    /// <summary>
    /// The leader's process goes away without releasing a lease that has minutes left: its session on the server ends
    /// with it, so the survivor takes over at its next attempt instead of waiting for the lease to expire.
    /// </summary>
    [Test]
    public async Task Scheduler_LeaderProcessGone_OtherTakesOverBeforeTheLeaseExpires()
    {
        var longLease = TimeSpan.FromMinutes(10);
        var hostA = await StartHostAsync("host-a", longLease);
        var hostB = await StartHostAsync("host-b", longLease);
        var hosts = new Dictionary<string, IHost> { ["host-a"] = hostA, ["host-b"] = hostB };
        try
        {
            var store = hostB.Services.GetRequiredService<IScheduleStore>();
            await WaitUntilAsync(async () => await store.GetLeaseAsync() is not null, "a leader");
            var dead = (await store.GetLeaseAsync())!;
            var survivor = dead.Holder == "host-a" ? "host-b" : "host-a";
            store = hosts[survivor].Services.GetRequiredService<IScheduleStore>();

            hosts[dead.Holder].Dispose();
            await WaitUntilAsync(async () => (await store.GetLeaseAsync())?.Holder == survivor, $"{survivor} to take the lease");

            var taken = (await store.GetLeaseAsync())!;
            Assert.That(taken.AcquiredAt, Is.LessThan(dead.ExpiresAt), "taken over before the dead leader's lease expired");
        }
        finally
        {
            hostA.Dispose();
            hostB.Dispose();
        }
    }

    private Task<IHost> StartHostAsync(string name) => StartHostAsync(name, Lease);

    private async Task<IHost> StartHostAsync(string name, TimeSpan lease)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "in-process",
            ["ConnectionStrings:JobRunners"] = PostgresServer.ConnectionString,
            ["JobRunners:PostgreSql:Schema"] = _schema,
            ["JobRunners:WorkerId"] = name,
            ["JobRunners:Scheduler:Lease"] = lease.ToString("c", CultureInfo.InvariantCulture),
            ["JobRunners:Scheduler:PollInterval"] = "00:00:00.100",
        });
        builder.Services.AddJobRunners(builder.Configuration, jobs => jobs
            .UsePostgreSql()
            .AddInProcessRunner()
            .AddJob<ReportPayload>(SchedulerNode.ReportJob, (_, context, _) =>
            {
                _runs.Enqueue((name, context.JobId));
                return ValueTask.CompletedTask;
            })
            .AddRecurring(new RecurringJob
            {
                Tag = "tick",
                JobType = SchedulerNode.ReportJob,
                Payload = new ReportPayload("tick"),
                Schedule = Schedule.Every(Interval),
            }));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<IReadOnlyList<JobRequest>> RowsAsync(IJobStore jobs) =>
        (await jobs.ListAsync(new JobQuery { JobType = SchedulerNode.ReportJob, Limit = 1000 })).OrderBy(r => r.Id).ToList();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {Timeout} waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }
}
