using JobRunners.Scheduling;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace JobRunners.Tests.Scheduling;

/// <summary>What one scheduler does with due runs: limits, catch-up, no-overlap, pause, delete, any runner.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class RecurringSchedulerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempFile _database = new();
    private readonly FakeTimeProvider _time = new(Start);

    [Test]
    public async Task RunOnceAsync_MaxExecutionsThree_RunsThreeTimesAndStops()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await node.Recurring.AddOrUpdateAsync(Report("limited", Schedule.Every(TimeSpan.FromMinutes(1))) with { MaxExecutions = 3 });

        var dispatched = 0;
        for (var minute = 1; minute <= 6; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            dispatched += (await node.RunOnceAsync()).Dispatched;
        }

        var schedule = await node.Recurring.GetAsync("limited");
        var rows = await node.RowsOfAsync("limited");
        Assert.That(dispatched, Is.EqualTo(3));
        Assert.That(node.Runs, Has.Count.EqualTo(3));
        Assert.That(rows.Select(r => r.Status), Is.All.EqualTo(JobStatus.Succeeded));
        Assert.That(rows.Select(r => r.CreatedAt), Is.EqualTo(new[] { Start.AddMinutes(1), Start.AddMinutes(2), Start.AddMinutes(3) }));
        Assert.That(schedule!.Executions, Is.EqualTo(3));
        Assert.That(schedule.NextRunAt, Is.Null);
        Assert.That(schedule.IsCompleted, Is.True);
    }

    [Test]
    public async Task RunOnceAsync_AfterDowntime_RunsOneMissedRunThenContinuesFromNow()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await node.Recurring.AddOrUpdateAsync(Report("hourly", Schedule.Every(TimeSpan.FromHours(1))));

        _time.Advance(TimeSpan.FromHours(5.5));
        var first = await node.RunOnceAsync();
        var second = await node.RunOnceAsync();

        var schedule = await node.Recurring.GetAsync("hourly");
        Assert.That(first.Dispatched, Is.EqualTo(1), "Five missed runs collapse into one.");
        Assert.That(second.Dispatched, Is.Zero);
        Assert.That(schedule!.LastRunAt, Is.EqualTo(Start.AddHours(1)));
        Assert.That(schedule.NextRunAt, Is.EqualTo(Start.AddHours(6)), "The next run is the first on the grid after now.");
        Assert.That(schedule.Executions, Is.EqualTo(1));

        _time.Advance(TimeSpan.FromHours(0.5));
        Assert.That((await node.RunOnceAsync()).Dispatched, Is.EqualTo(1));
        Assert.That(node.Runs, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Finding17_SubSecondIntervalWithRoundsOneSecondApart_EveryRunDispatchedOnce()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await node.Recurring.AddOrUpdateAsync(Report("half", Schedule.Every(TimeSpan.FromMilliseconds(500))));

        // Rounds come once a second (a busy store, a slow host): each catches up on every run due since the last.
        for (var second = 1; second <= 12; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            while ((await node.RunOnceAsync()).Dispatched > 0)
            {
            }
        }

        var rows = await node.RowsOfAsync("half");
        var expected = Enumerable.Range(1, 24).Select(i => RunKey.For("half", Start.AddMilliseconds(500 * i))).ToList();
        Assert.That(rows.Select(r => r.UniqueKey), Is.EqualTo(expected), "Every run from 0.5 s to 12 s, each once, in order.");
        Assert.That(node.Runs, Has.Count.EqualTo(24));
        Assert.That((await node.Recurring.GetAsync("half"))!.NextRunAt, Is.EqualTo(Start.AddMilliseconds(12_500)));
    }

    [Test]
    public async Task RunOnceAsync_CronAcrossSpringForward_RunsAtLocalTimeEachDay()
    {
        // 2025-03-30: Paris moves from CET (UTC+1) to CEST (UTC+2) at 02:00 local.
        _time.SetUtcNow(new DateTimeOffset(2025, 3, 28, 12, 0, 0, TimeSpan.Zero));
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        var created = await node.Recurring.AddOrUpdateAsync(Report("paris", Schedule.Cron("0 3 * * *", "Europe/Paris")));
        Assert.That(created.NextRunAt, Is.EqualTo(new DateTimeOffset(2025, 3, 29, 2, 0, 0, TimeSpan.Zero)), "03:00 CET is 02:00 UTC.");

        _time.SetUtcNow(new DateTimeOffset(2025, 3, 29, 2, 0, 0, TimeSpan.Zero));
        Assert.That((await node.RunOnceAsync()).Dispatched, Is.EqualTo(1));

        var afterChange = await node.Recurring.GetAsync("paris");
        Assert.That(afterChange!.NextRunAt, Is.EqualTo(new DateTimeOffset(2025, 3, 30, 1, 0, 0, TimeSpan.Zero)), "03:00 CEST is 01:00 UTC.");
    }

    [Test]
    public async Task RunOnceAsync_NoOverlap_WaitsUntilPreviousRowIsFinal()
    {
        // The in-process runner's rows stay queued here: no worker runs in this test.
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a", runner: "in-process");
        await node.Recurring.AddOrUpdateAsync(Report("serial", Schedule.Every(TimeSpan.FromMinutes(1))) with { NoOverlap = true });
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.That((await node.RunOnceAsync()).Dispatched, Is.EqualTo(1));
        var previous = (await node.RowsOfAsync("serial")).Single();

        for (var minute = 0; minute < 3; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            Assert.That((await node.RunOnceAsync()).Dispatched, Is.Zero, "The previous run's row is still queued.");
        }

        var claimed = await node.Jobs.ClaimAsync(new JobClaimRequest { WorkerId = "worker-1", Lease = TimeSpan.FromSeconds(30), Ids = [previous.Id] });
        Assert.That(claimed.Select(r => r.Id), Is.EqualTo(new[] { previous.Id }));
        Assert.That((await node.RunOnceAsync()).Dispatched, Is.Zero, "The previous run's row is running.");
        await node.Jobs.CompleteAsync([new JobCompletion(previous.Id, "worker-1", JobOutcome.Succeeded)]);

        Assert.That((await node.RunOnceAsync()).Dispatched, Is.EqualTo(1));
        var schedule = await node.Recurring.GetAsync("serial");
        Assert.That(await node.RowsOfAsync("serial"), Has.Count.EqualTo(2));
        Assert.That(schedule!.LastRunAt, Is.EqualTo(Start.AddMinutes(2)), "The waiting run went out once the previous row was final.");
        Assert.That(schedule.NextRunAt, Is.EqualTo(Start.AddMinutes(4)), "The run due at 3 min collapsed into it; the one due now waits for it in turn.");
    }

    [Test]
    public async Task RunOnceAsync_OverlapAllowed_DispatchesWhilePreviousRowIsQueued()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a", runner: "in-process");
        await node.Recurring.AddOrUpdateAsync(Report("parallel", Schedule.Every(TimeSpan.FromMinutes(1))));

        for (var minute = 0; minute < 3; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await node.RunOnceAsync();
        }

        var rows = await node.RowsOfAsync("parallel");
        Assert.That(rows, Has.Count.EqualTo(3));
        Assert.That(rows.Select(r => r.Status), Is.All.EqualTo(JobStatus.Queued));
    }

    [TestCase("sync")]
    [TestCase("in-process")]
    public async Task RunOnceAsync_AnyRunner_DispatchesThroughItWithScheduleOptions(string runner)
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a", runner);
        await node.Recurring.AddOrUpdateAsync(Report("options", Schedule.Every(TimeSpan.FromMinutes(1))) with
        {
            QueueName = "reports",
            Priority = 5,
            MaxAttempts = 2,
        });
        _time.Advance(TimeSpan.FromMinutes(1));

        await node.RunOnceAsync();

        var row = (await node.RowsOfAsync("options")).Single();
        Assert.That(row.Runner, Is.EqualTo(runner));
        Assert.That(row.QueueName, Is.EqualTo("reports"));
        Assert.That(row.Priority, Is.EqualTo(5));
        Assert.That(row.MaxAttempts, Is.EqualTo(2));
        Assert.That(row.UniqueKey, Is.EqualTo($"schedule:options:{Start.AddMinutes(1).UtcTicks}"));
        Assert.That(row.Payload, Does.Contain("\"name\":\"daily\""));
    }

    [Test]
    public async Task PauseAsync_PausedSchedule_DispatchesNothingUntilResumed()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await node.Recurring.AddOrUpdateAsync(Report("pausable", Schedule.Every(TimeSpan.FromMinutes(1))));

        Assert.That(await node.Recurring.PauseAsync("pausable"), Is.True);
        for (var minute = 0; minute < 3; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            Assert.That((await node.RunOnceAsync()).Dispatched, Is.Zero);
        }

        Assert.That(await node.Recurring.ResumeAsync("pausable"), Is.True);
        var dispatched = 0;
        int round;
        while ((round = (await node.RunOnceAsync()).Dispatched) > 0)
        {
            dispatched += round;
        }

        var schedule = await node.Recurring.GetAsync("pausable");
        var keys = (await node.RowsOfAsync("pausable")).Select(r => r.UniqueKey);
        Assert.That(keys, Is.EqualTo(new[] { Start.AddMinutes(1), Start.AddMinutes(2), Start.AddMinutes(3) }.Select(t => RunKey.For("pausable", t))),
            "The oldest missed run stands for those before the one-minute catch-up window; the runs within it follow.");
        Assert.That(dispatched, Is.EqualTo(3));
        Assert.That(schedule!.Paused, Is.False);
        Assert.That(schedule.NextRunAt, Is.EqualTo(Start.AddMinutes(4)));
    }

    [Test]
    public async Task DeleteAsync_Schedule_StopsDispatchingAndKeepsDispatchedRows()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await node.Recurring.AddOrUpdateAsync(Report("doomed", Schedule.Every(TimeSpan.FromMinutes(1))));
        _time.Advance(TimeSpan.FromMinutes(1));
        await node.RunOnceAsync();

        Assert.That(await node.Recurring.DeleteAsync("doomed"), Is.True);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.That((await node.RunOnceAsync()).Dispatched, Is.Zero);
        Assert.That(await node.Recurring.GetAsync("doomed"), Is.Null);
        Assert.That(await node.Recurring.ListAsync(), Is.Empty);
        Assert.That(await node.RowsOfAsync("doomed"), Has.Count.EqualTo(1));
        Assert.That(await node.Recurring.DeleteAsync("doomed"), Is.False);
    }

    [Test]
    public async Task PauseAsync_MissingTag_ReturnsFalse()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");

        Assert.That(await node.Recurring.PauseAsync("missing"), Is.False);
        Assert.That(await node.Recurring.ResumeAsync("missing"), Is.False);
    }

    [Test]
    public async Task AddOrUpdateAsync_ExistingTag_KeepsExecutionsAndNextRun()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await node.Recurring.AddOrUpdateAsync(Report("kept", Schedule.Every(TimeSpan.FromMinutes(1))));
        _time.Advance(TimeSpan.FromMinutes(1));
        await node.RunOnceAsync();
        _time.Advance(TimeSpan.FromSeconds(20));

        var updated = await node.Recurring.AddOrUpdateAsync(Report("kept", Schedule.Every(TimeSpan.FromMinutes(1))) with { Payload = new ReportPayload("weekly", 3) });
        _time.Advance(TimeSpan.FromSeconds(40));
        await node.RunOnceAsync();

        Assert.That(updated.Executions, Is.EqualTo(1));
        Assert.That(updated.NextRunAt, Is.EqualTo(Start.AddMinutes(2)));
        Assert.That(node.Runs.Select(r => r.Payload), Is.EqualTo(new[] { new ReportPayload("daily"), new ReportPayload("weekly", 3) }));
    }

    public void Dispose() => _database.Dispose();

    private static RecurringJob Report(string tag, Schedule schedule) => new()
    {
        Tag = tag,
        JobType = SchedulerNode.ReportJob,
        Payload = new ReportPayload("daily"),
        Schedule = schedule,
    };
}
