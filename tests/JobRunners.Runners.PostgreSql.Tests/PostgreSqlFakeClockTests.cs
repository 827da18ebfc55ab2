using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>The worker's timing on a fake clock: the poll fallback and wake-ups for delayed jobs.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class PostgreSqlFakeClockTests : PostgreSqlTestBase
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Test]
    public async Task Poll_RowWrittenWithoutNotification_RunsWhenThePollIntervalPasses()
    {
        Clock = _time;
        await using var host = await StartHostAsync(With(("JobRunners:PostgreSql:PollInterval", "00:01:00"), ("JOBRUNNERS_POSTGRES_LISTEN", "false")));
        await Task.Delay(300);
        var key = NewKey();

        // Written straight to the store, as by a process whose notification was lost.
        var row = await host.Store.InsertAsync(new NewJobRequest
        {
            JobType = TestJobs.Record,
            QueueName = TestJobs.Record,
            Payload = $$"""{"key":"{{key}}"}""",
            Runner = "postgres",
            Dispatched = true,
        });
        await Task.Delay(500);
        Assert.That(TestJobs.StartsOf(key), Is.Empty, "the worker woke before its poll interval");

        _time.Advance(TimeSpan.FromMinutes(1));

        await host.WaitUntilAsync(() => Task.FromResult(TestJobs.StartsOf(key).Count == 1), "the job to run after the poll interval");
        Assert.That(TestJobs.StartsOf(key)[0].JobId, Is.EqualTo(row.Job.Id));
    }

    [Test]
    public async Task DelayedJob_DueLongBeforeNextPoll_RunsWhenDue()
    {
        Clock = _time;
        await using var host = await StartHostAsync(With(("JobRunners:PostgreSql:PollInterval", "01:00:00")));
        await host.Services.GetRequiredService<PostgreSqlWorker>().Listening.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        var key = NewKey();

        var job = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key), new DispatchOptions { Delay = TimeSpan.FromMinutes(10) });
        await Task.Delay(500);
        _time.Advance(TimeSpan.FromMinutes(9));
        await Task.Delay(500);
        Assert.That(TestJobs.StartsOf(key), Is.Empty, "the job ran before it was due");

        _time.Advance(TimeSpan.FromMinutes(1));

        await host.WaitUntilAsync(() => Task.FromResult(TestJobs.StartsOf(key).Count == 1), "the job to run when due");
        Assert.That((await host.WaitForFinalAsync(job.Id)).StartedAt, Is.GreaterThanOrEqualTo(job.RunAt));
    }
}
