using JobRunners.Scheduling;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace JobRunners.Tests.Scheduling;

/// <summary>
/// Two schedulers sharing one store and one fake clock, as two processes would: one leads, the other takes over
/// when the leader stops renewing, and every run is dispatched exactly once across both, even when the leader dies
/// between claiming a run and dispatching it.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class SchedulerLeadershipTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);

    private readonly TempFile _database = new();
    private readonly FakeTimeProvider _time = new(Start);

    [Test]
    public async Task RunOnceAsync_TwoSchedulers_OnlyTheLeaderDispatches()
    {
        await using var a = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await using var b = await SchedulerNode.StartAsync(_database.Path, _time, "node-b");
        await a.Recurring.AddOrUpdateAsync(Every("minutely", TimeSpan.FromMinutes(1)));

        for (var minute = 0; minute < 3; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            var roundA = await a.RunOnceAsync();
            var roundB = await b.RunOnceAsync();
            Assert.That(roundA.IsLeader, Is.True);
            Assert.That(roundB.IsLeader, Is.False);
        }

        Assert.That(a.Runs, Has.Count.EqualTo(3));
        Assert.That(b.Runs, Is.Empty);
    }

    [Test]
    public async Task RunOnceAsync_LeaderStopsRenewing_OtherTakesOverWithNoRunLostOrDoubled()
    {
        await using var a = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await using var b = await SchedulerNode.StartAsync(_database.Path, _time, "node-b");
        await a.Recurring.AddOrUpdateAsync(Every("ticker", TimeSpan.FromSeconds(20)));

        // Both poll every second; node-a leads, then dies at 45 s (stops polling) with its lease running to 60 s.
        // The run due at 60 s falls in the gap: node-b takes over at 61 s and dispatches it then, late but once.
        var deadAt = Start.AddSeconds(45);
        for (var second = 1; second <= 120; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            if (_time.GetUtcNow() <= deadAt)
            {
                await a.RunOnceAsync();
            }

            await b.RunOnceAsync();
        }

        var rows = await b.RowsOfAsync("ticker");
        var dueTimes = rows.Select(r => long.Parse(r.UniqueKey!.Split(':')[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var expected = Enumerable.Range(1, 6).Select(i => Start.AddSeconds(20 * i).UtcTicks).ToList();
        Assert.That(dueTimes, Is.EqualTo(expected), "Every run from 20 s to 120 s, each once, in order.");
        Assert.That(a.Runs, Has.Count.EqualTo(2), "node-a ran 20 s and 40 s.");
        Assert.That(b.Runs, Has.Count.EqualTo(4), "node-b took over when the lease expired and ran the rest.");
        Assert.That(rows[2].CreatedAt, Is.EqualTo(Start.AddSeconds(61)), "The run due at 60 s went out as soon as node-b led.");
        Assert.That((await b.Schedules.GetLeaseAsync())!.Holder, Is.EqualTo("node-b"));
        Assert.That((await b.Schedules.GetLeaseAsync())!.AcquiredAt, Is.LessThanOrEqualTo(deadAt + Lease + TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task Finding17_LeaderDiesUnderSubSecondSchedule_TakeoverDispatchesEveryMissedRunOnce()
    {
        await using var a = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await using var b = await SchedulerNode.StartAsync(_database.Path, _time, "node-b");
        await a.Recurring.AddOrUpdateAsync(Every("half", TimeSpan.FromMilliseconds(500)));

        // node-a leads and dies at 5 s holding a lease to 20 s; node-b takes over at 21 s and catches up on the
        // runs due in between instead of merging them into one.
        var deadAt = Start.AddSeconds(5);
        for (var tick = 1; tick <= 60; tick++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            var leader = _time.GetUtcNow() <= deadAt ? a : b;
            while ((await leader.RunOnceAsync()).Dispatched > 0)
            {
            }
        }

        var rows = await b.RowsOfAsync("half");
        var expected = Enumerable.Range(1, 60).Select(i => RunKey.For("half", Start.AddMilliseconds(500 * i))).ToList();
        Assert.That(rows.Select(r => r.UniqueKey), Is.EqualTo(expected), "Every run from 0.5 s to 30 s, each once, in order.");
        Assert.That(a.Runs.Count + b.Runs.Count, Is.EqualTo(60));
        Assert.That(rows.Where(r => r.CreatedAt < deadAt + Lease).Select(r => r.UniqueKey), Is.EqualTo(expected.Take(10)), "Nothing ran while node-a's lease was live.");
    }

    [Test]
    public async Task RunOnceAsync_LeaderDiedAfterClaimBeforeDispatch_NewLeaderDispatchesThatRunOnce()
    {
        await using var a = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await using var b = await SchedulerNode.StartAsync(_database.Path, _time, "node-b");
        await a.Recurring.AddOrUpdateAsync(Every("nightly", TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await a.Schedules.TryAcquireLeaseAsync("node-a", Lease), Is.True);

        // node-a claims the run due at 1 min, then its process dies before it dispatches.
        var due = Start.AddMinutes(1);
        Assert.That(await a.Schedules.TryClaimRunAsync(new ScheduleClaim("nightly", due, Start.AddMinutes(2), "node-a")), Is.True);
        Assert.That((await b.RunOnceAsync()).IsLeader, Is.False);
        _time.Advance(Lease + TimeSpan.FromSeconds(1));

        var takeover = await b.RunOnceAsync();

        var rows = await b.RowsOfAsync("nightly");
        var schedule = await b.Recurring.GetAsync("nightly");
        Assert.That(takeover.IsLeader, Is.True);
        Assert.That(takeover.Dispatched, Is.EqualTo(1));
        Assert.That(rows.Select(r => r.UniqueKey), Is.EqualTo(new[] { RunKey.For("nightly", due) }));
        Assert.That(schedule!.PendingRunAt, Is.Null);
        Assert.That(schedule.LastJobId, Is.EqualTo(rows[0].Id));
        Assert.That(schedule.Executions, Is.EqualTo(1));
        Assert.That(b.Runs, Has.Count.EqualTo(1));

        _time.Advance(TimeSpan.FromSeconds(45));
        await b.RunOnceAsync();
        Assert.That((await b.RowsOfAsync("nightly")).Select(r => r.UniqueKey), Is.EqualTo(new[] { RunKey.For("nightly", due), RunKey.For("nightly", Start.AddMinutes(2)) }));
    }

    [Test]
    public async Task RunOnceAsync_LeaderDiedAfterDispatchBeforeConfirming_NewLeaderDoesNotDispatchAgain()
    {
        await using var a = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await using var b = await SchedulerNode.StartAsync(_database.Path, _time, "node-b");
        await a.Recurring.AddOrUpdateAsync(Every("nightly", TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await a.Schedules.TryAcquireLeaseAsync("node-a", Lease), Is.True);

        // node-a claims and dispatches the run (the job even finishes), then dies before confirming it.
        var due = Start.AddMinutes(1);
        Assert.That(await a.Schedules.TryClaimRunAsync(new ScheduleClaim("nightly", due, Start.AddMinutes(2), "node-a")), Is.True);
        var row = await a.Runner.DispatchJobAsync(SchedulerNode.ReportJob, new ReportPayload("daily"), new DispatchOptions { UniqueKey = RunKey.For("nightly", due) });
        Assert.That(row.Status, Is.EqualTo(JobStatus.Succeeded));
        _time.Advance(Lease + TimeSpan.FromSeconds(1));

        var takeover = await b.RunOnceAsync();

        var schedule = await b.Recurring.GetAsync("nightly");
        Assert.That(takeover.IsLeader, Is.True);
        Assert.That(takeover.Dispatched, Is.Zero);
        Assert.That(await b.RowsOfAsync("nightly"), Has.Count.EqualTo(1));
        Assert.That(b.Runs, Is.Empty);
        Assert.That(schedule!.PendingRunAt, Is.Null);
        Assert.That(schedule.LastJobId, Is.EqualTo(row.Id));
    }

    [Test]
    public async Task RunOnceAsync_StaleLeaderAfterTakeover_DispatchesNothing()
    {
        await using var a = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");
        await using var b = await SchedulerNode.StartAsync(_database.Path, _time, "node-b");
        await a.Recurring.AddOrUpdateAsync(Every("nightly", TimeSpan.FromMinutes(1)));
        Assert.That((await a.RunOnceAsync()).IsLeader, Is.True);

        // node-a stalls (a long GC pause) past its lease; node-b takes over and runs the due run.
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.That((await b.RunOnceAsync()).Dispatched, Is.EqualTo(1));

        var stale = await a.RunOnceAsync();

        Assert.That(stale.IsLeader, Is.False);
        Assert.That(stale.Dispatched, Is.Zero);
        Assert.That(a.Scheduler.IsLeader, Is.False);
        Assert.That(await b.RowsOfAsync("nightly"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RunOnceAsync_DispatchFailsBeforeTheRowIsWritten_NextRoundDispatchesTheRunOnce()
    {
        var failures = 1;
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a", configureServices: services => FaultyRunner.Decorate(services, () => failures-- > 0, afterWrite: false));
        await node.Recurring.AddOrUpdateAsync(Every("flaky", TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromMinutes(1));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await node.RunOnceAsync());
        var pending = await node.Recurring.GetAsync("flaky");
        var retried = await node.RunOnceAsync();

        Assert.That(pending!.PendingRunAt, Is.EqualTo(Start.AddMinutes(1)));
        Assert.That(retried.Dispatched, Is.EqualTo(1));
        Assert.That(await node.RowsOfAsync("flaky"), Has.Count.EqualTo(1));
        Assert.That((await node.Recurring.GetAsync("flaky"))!.PendingRunAt, Is.Null);
    }

    [Test]
    public async Task RunOnceAsync_DispatchFailsAfterTheRowIsWritten_NextRoundConfirmsWithoutDispatching()
    {
        var failures = 1;
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a", configureServices: services => FaultyRunner.Decorate(services, () => failures-- > 0, afterWrite: true));
        await node.Recurring.AddOrUpdateAsync(Every("flaky", TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromMinutes(1));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await node.RunOnceAsync());
        var retried = await node.RunOnceAsync();

        var rows = await node.RowsOfAsync("flaky");
        Assert.That(retried.Dispatched, Is.Zero);
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That((await node.Recurring.GetAsync("flaky"))!.LastJobId, Is.EqualTo(rows[0].Id));
        Assert.That(node.Runs, Has.Count.EqualTo(1));
    }

    public void Dispose() => _database.Dispose();

    private static RecurringJob Every(string tag, TimeSpan interval) => new()
    {
        Tag = tag,
        JobType = SchedulerNode.ReportJob,
        Payload = new ReportPayload("daily"),
        Schedule = Schedule.Every(interval),
    };
}
