using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace JobRunners.Tests.Execution;

[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class JobHooksTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"jobrunners-hooks-{Guid.NewGuid():N}.db");
    private readonly ConcurrentQueue<string> _calls = new();

    [TearDown]
    public void DeleteStore()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    private IHost Build(string runner, Action<JobTypeOptions> hooks)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["JOB_RUNNER"] = runner, ["JobRunners:Sqlite:Path"] = _path });
        builder.Services.AddJobRunners(builder.Configuration, jobs => jobs
            .UseSqlite()
            .AddInProcessRunner()
            .AddSynchronousRunner()
            .AddJob<int>("flaky", (_, _, _) => throw new TimeoutException("upstream slow"), o =>
            {
                o.Retry = new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(1) };
                hooks(o);
            }));
        return builder.Build();
    }

    [Test]
    public async Task OnError_ReturnsFail_FailsOnFirstAttemptAndCallsOnExhausted()
    {
        using var host = Build("sync", o =>
        {
            o.OnError = (failure, _) =>
            {
                _calls.Enqueue($"error {failure.Job.Attempts} {failure.RetryAt is not null}");
                return ValueTask.FromResult(RetryDecision.Fail);
            };
            o.OnExhausted = (failure, _) =>
            {
                _calls.Enqueue($"exhausted {failure.Exception.Message}");
                return ValueTask.CompletedTask;
            };
        });
        await host.StartAsync();

        var row = await host.Services.GetRequiredService<IJobRunner>().DispatchJobAsync("flaky", 1);
        await host.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(row.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(row.Attempts, Is.EqualTo(1));
            Assert.That(_calls, Is.EqualTo(new[] { "error 1 True", "exhausted upstream slow" }));
        });
    }

    [Test]
    public async Task OnError_ReturnsRetryAt_RowWaitsUntilThatTime()
    {
        var at = DateTimeOffset.UtcNow.AddHours(1);
        using var host = Build("in-process", o => o.OnError = (_, _) => ValueTask.FromResult(RetryDecision.RetryAt(at)));
        await host.StartAsync();
        var store = host.Services.GetRequiredService<IJobStore>();

        var id = (await host.Services.GetRequiredService<IJobRunner>().DispatchJobAsync("flaky", 1)).Id;
        JobRequest? row = null;
        for (var i = 0; i < 1500 && !(row is { Status: JobStatus.Queued, Attempts: 1 }); i++)
        {
            await Task.Delay(20);
            row = await store.GetAsync(id);
        }

        await host.StopAsync();
        Assert.Multiple(() =>
        {
            Assert.That(row!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(row.RunAt, Is.EqualTo(at).Within(TimeSpan.FromMilliseconds(1)));
        });
    }

    [Test]
    public async Task OnError_Throws_PolicyStillApplies()
    {
        using var host = Build("sync", o => o.OnError = (_, _) => throw new InvalidOperationException("hook bug"));
        await host.StartAsync();

        var row = await host.Services.GetRequiredService<IJobRunner>().DispatchJobAsync("flaky", 1);
        await host.StopAsync();

        Assert.That((row.Status, row.Attempts), Is.EqualTo((JobStatus.Failed, 3)));
    }

    [Test]
    public async Task OnStale_RowRescuedAtStartup_HookSeesTheRescuedRow()
    {
        // A process that claimed the row and died; not started, so its own maintenance cannot rescue the row first.
        using (var first = Build("sync", _ => { }))
        {
            var store = first.Services.GetRequiredService<IJobStore>();
            await store.MigrateAsync();
            var inserted = await store.InsertAsync(new NewJobRequest { JobType = "flaky", QueueName = "flaky", Payload = "1", MaxAttempts = 3 });
            await store.ClaimAsync(new JobClaimRequest { WorkerId = "dead", Lease = TimeSpan.FromMilliseconds(1), Ids = [inserted.Job.Id] });
        }

        await Task.Delay(20);
        using var second = Build("sync", o => o.OnStale = (row, _) =>
        {
            _calls.Enqueue($"stale {row.Id} {row.Status.ToStoredValue()}");
            return ValueTask.CompletedTask;
        });
        await second.StartAsync();
        await second.StopAsync();

        Assert.That(_calls, Is.EqualTo(new[] { "stale 1 queued" }));
    }
}
