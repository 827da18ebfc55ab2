using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>Stopping the hosted worker: running work gets the shutdown timeout, then is interrupted and released.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class PostgreSqlWorkerShutdownTests : PostgreSqlTestBase
{
    [Test]
    public async Task Stop_RunningJobPastShutdownTimeout_IsReleasedWithoutCountingTheAttempt()
    {
        using var host = BuildHost(With(("JobRunners:PostgreSql:ShutdownTimeout", "00:00:00.200")));
        await host.StartAsync();
        var key = NewKey();
        var job = await host.Services.GetRequiredService<IJobRunner>().DispatchJobAsync(TestJobs.Gated, new TestPayload(key));
        await TestJobs.WhenStarted(key, 0).WaitAsync(TimeSpan.FromSeconds(10));

        await host.StopAsync();

        var row = await host.Services.GetRequiredService<IJobStore>().GetAsync(job.Id);
        Assert.Multiple(() =>
        {
            Assert.That(row!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(row.Attempts, Is.Zero);
            Assert.That(row.LockedBy, Is.Null);
        });
    }

    [Test]
    public async Task Stop_RunningJobWithinShutdownTimeout_FinishesAndNothingNewStarts()
    {
        using var host = BuildHost(With(("JobRunners:PostgreSql:ShutdownTimeout", "00:00:10"), ("JobRunners:PostgreSql:Concurrency", "1")));
        await host.StartAsync();
        var runner = host.Services.GetRequiredService<IJobRunner>();
        var key = NewKey();
        var running = await runner.DispatchJobAsync(TestJobs.Gated, new TestPayload(key));
        await TestJobs.WhenStarted(key, 0).WaitAsync(TimeSpan.FromSeconds(10));
        var waiting = await runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key, 1));

        var stopping = host.StopAsync();
        await Task.Delay(200);
        TestJobs.Open(key);
        await stopping;

        var store = host.Services.GetRequiredService<IJobStore>();
        Assert.Multiple(async () =>
        {
            Assert.That((await store.GetAsync(running.Id))!.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That((await store.GetAsync(waiting.Id))!.Status, Is.EqualTo(JobStatus.Queued), "a job started after stop began");
        });
    }
}
