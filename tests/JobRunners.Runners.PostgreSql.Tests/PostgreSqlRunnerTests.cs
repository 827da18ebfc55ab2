using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>How the worker picks rows: priority order, unique keys, locking queues, wake-ups and specialised workers.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class PostgreSqlRunnerTests : PostgreSqlTestBase
{
    [Test]
    public async Task Worker_ConcurrencyOne_RunsHigherPriorityFirst()
    {
        var key = NewKey();
        var priorities = new[] { 0, 5, -2, 9, 3, 5 };
        await using (var dispatcher = await StartHostAsync(DispatchOnly()))
        {
            foreach (var priority in priorities)
            {
                await dispatcher.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key, priority), new DispatchOptions { Priority = priority });
            }
        }

        await using var worker = await StartHostAsync(With(("JobRunners:PostgreSql:Concurrency", "1")));
        await worker.WaitUntilAsync(() => Task.FromResult(TestJobs.StartsOf(key).Count == priorities.Length), "every job to start");

        var starts = TestJobs.StartsOf(key);
        Assert.That(starts.Select(s => s.Value), Is.EqualTo(new[] { 9, 5, 5, 3, 0, -2 }));
        Assert.That(starts[1].JobId, Is.LessThan(starts[2].JobId), "equal priorities run in dispatch order");
    }

    [Test]
    public async Task DispatchJob_TwentyConcurrentDispatchersOneUniqueKey_WritesOneRow()
    {
        await using var host = await StartHostAsync(DispatchOnly());
        var options = new DispatchOptions { UniqueKey = "unique-" + NewKey() };
        using var start = new ManualResetEventSlim();

        var dispatches = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(NewKey(), i), options);
        })).ToList();
        start.Set();
        var rows = await Task.WhenAll(dispatches);

        Assert.That(rows.Select(r => r.Id).Distinct().Count(), Is.EqualTo(1), "every dispatcher gets the one row");
        Assert.That(await host.Store.ListAsync(new JobQuery { JobType = TestJobs.Record }), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task DispatchJobs_MixedBatch_OneResultPerItemInOrder()
    {
        await using var host = await StartHostAsync(DispatchOnly());
        var key = NewKey();
        var unique = new DispatchOptions { UniqueKey = "u-" + key };
        var existing = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key, 100), unique);

        var results = await host.Runner.DispatchJobsAsync(
        [
            new JobDispatch(TestJobs.Record, new TestPayload(key, 0)),
            new JobDispatch(TestJobs.Record, new TestPayload(key, 1), unique),
            new JobDispatch(ProbeHandlers.OkJob, new { key = (string?)null }),
            new JobDispatch(TestJobs.Record, new TestPayload(key, 3), new DispatchOptions { Priority = 5, Delay = TimeSpan.FromHours(1), QueueName = "q-" + key, LocksQueue = true, MaxAttempts = 7 }),
        ]);

        Assert.That(results.Select(r => r.Index), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        var delayed = results[3].Job!;
        Assert.Multiple(() =>
        {
            Assert.That(results[0].Job!.Id, Is.GreaterThan(existing.Id));
            Assert.That(results[0].Job!.Payload, Does.Contain("\"value\": 0").Or.Contain("\"value\":0"));
            Assert.That(results[1].Job!.Id, Is.EqualTo(existing.Id), "the unfinished row holding the key");
            Assert.That(results[2].Error, Is.TypeOf<PayloadValidationException>());
            Assert.That(delayed.Priority, Is.EqualTo(5));
            Assert.That(delayed.QueueName, Is.EqualTo("q-" + key));
            Assert.That(delayed.LocksQueue, Is.True);
            Assert.That(delayed.MaxAttempts, Is.EqualTo(7));
            Assert.That(delayed.RunAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(59)));
            Assert.That(delayed.DispatchedAt, Is.Not.Null, "the row is the queue: written already dispatched");
            Assert.That(delayed.Runner, Is.EqualTo("postgres"));
        });
        Assert.That(await host.Store.ListAsync(new JobQuery { JobType = TestJobs.Record }), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task LocksQueue_LockingJobRunning_BlocksItsQueueButNotOthers()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        var locking = await host.Runner.DispatchJobAsync(TestJobs.Gated, new TestPayload(key), new DispatchOptions { QueueName = "q-" + key, LocksQueue = true });
        await host.WaitUntilAsync(() => Task.FromResult(TestJobs.StartsOf(key).Count == 1), "the locking job to start");

        var sameQueue = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key + ".same"), new DispatchOptions { QueueName = "q-" + key });
        var otherQueue = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key + ".other"), new DispatchOptions { QueueName = "other-" + key });
        // The claim that took the other queue's job walked past this one (dispatched earlier, so ahead of it) and left it.
        await host.WaitForFinalAsync(otherQueue.Id);
        Assert.That((await host.Store.GetAsync(sameQueue.Id))!.Status, Is.EqualTo(JobStatus.Queued), "a job of the locked queue started beside its locking job");
        Assert.That(TestJobs.StartsOf(key + ".same"), Is.Empty);

        var opened = System.Diagnostics.Stopwatch.GetTimestamp();
        TestJobs.Open(key);
        await host.WaitForFinalAsync(locking.Id);
        var sameDone = await host.WaitForFinalAsync(sameQueue.Id);
        Assert.Multiple(() =>
        {
            Assert.That(sameDone.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(TestJobs.StartsOf(key + ".same").Single().Timestamp, Is.GreaterThan(opened), "started only once the locking job could end");
        });
    }

    [Test]
    public async Task LocksQueue_OrdinaryJobRunning_LockingJobWaitsForIt()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        var queue = new DispatchOptions { QueueName = "q-" + key };
        var ordinary = await host.Runner.DispatchJobAsync(TestJobs.Gated, new TestPayload(key), queue);
        await host.WaitUntilAsync(() => Task.FromResult(TestJobs.StartsOf(key).Count == 1), "the ordinary job to start");

        var locking = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key + ".locking"), queue with { LocksQueue = true });
        var marker = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key + ".marker"), new DispatchOptions { QueueName = "other-" + key });

        // The claim that took the marker walked past the locking job (dispatched earlier, so ahead of it) and left it.
        await host.WaitForFinalAsync(marker.Id);
        Assert.That(TestJobs.StartsOf(key + ".locking"), Is.Empty, "the locking job started while its queue was busy");

        var opened = System.Diagnostics.Stopwatch.GetTimestamp();
        TestJobs.Open(key);
        await host.WaitForFinalAsync(ordinary.Id);
        Assert.That((await host.WaitForFinalAsync(locking.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(TestJobs.StartsOf(key + ".locking").Single().Timestamp, Is.GreaterThan(opened), "started only once the ordinary job could end");
    }

    [Test]
    public async Task Notify_IdleWorkerThatNeverPolls_StartsJob()
    {
        // Polls an hour apart: only the NOTIFY written with the row can wake the worker within the test.
        await using var host = await StartHostAsync(NoPolling());
        await host.Services.GetRequiredService<PostgreSqlWorker>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var key = NewKey();

        var job = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key));

        Assert.That((await host.WaitForFinalAsync(job.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task Notify_DelayedJobAndWorkerThatNeverPolls_StartsJobWhenDue()
    {
        await using var host = await StartHostAsync(NoPolling());
        await host.Services.GetRequiredService<PostgreSqlWorker>().Listening.WaitAsync(TimeSpan.FromSeconds(30));

        var job = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(NewKey()), new DispatchOptions { Delay = TimeSpan.FromSeconds(1) });
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.That((final.Status, final.StartedAt >= job.RunAt), Is.EqualTo((JobStatus.Succeeded, true)));
    }

    [Test]
    public async Task Notify_ListenConnectionKilled_ReconnectsAndWakesAgain()
    {
        await using var host = await StartHostAsync(NoPolling());
        await host.Services.GetRequiredService<PostgreSqlWorker>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var killed = await TestDatabase.QuerySingleAsync<long>(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = @Listen",
            new { Listen = $"LISTEN \"jobrunners_{Schema}\"" });
        Assert.That(killed, Is.EqualTo(1), "the worker's LISTEN session");

        // The listener reconnects after a short backoff; the next dispatch must wake the worker again.
        await host.WaitUntilAsync(
            async () => await TestDatabase.QuerySingleAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE query = @Listen", new { Listen = $"LISTEN \"jobrunners_{Schema}\"" }) == 1,
            "the listener to reconnect");
        var job = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(NewKey()));

        // With polls an hour apart, only a notification heard on the new connection (or the look at the queue the
        // worker takes on reconnecting) can start it.
        Assert.That((await host.WaitForFinalAsync(job.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    private static Dictionary<string, string?> NoPolling() => With(
        ("JobRunners:PostgreSql:PollInterval", "01:00:00"),
        ("JobRunners:PostgreSql:ListenPollInterval", "01:00:00"));

    [Test]
    public async Task SpecialisedWorker_JobTypesFilter_LeavesOtherTypesQueued()
    {
        await using var host = await StartHostAsync(With(("JobRunners:PostgreSql:JobTypes:0", ProbeHandlers.OkJob)));
        var ignored = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(NewKey()));
        var served = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()));

        // The claim that took the job written after it left it.
        Assert.That((await host.WaitForFinalAsync(served.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That((await host.Store.GetAsync(ignored.Id))!.Status, Is.EqualTo(JobStatus.Queued));

        // An unfiltered worker runs it.
        await using var general = await StartHostAsync();
        Assert.That((await general.WaitForFinalAsync(ignored.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task SpecialisedWorker_QueuesFilterFromFlatName_RunsOnlyThoseQueues()
    {
        var key = NewKey();
        await using var host = await StartHostAsync(With(("JOBRUNNERS_POSTGRES_QUEUES", $"a-{key}, b-{key}")));
        var c = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(NewKey()), new DispatchOptions { QueueName = "c-" + key });
        var a = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(NewKey()), new DispatchOptions { QueueName = "a-" + key });
        var b = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(NewKey()), new DispatchOptions { QueueName = "b-" + key });

        // The claims that took the jobs written after it left it.
        await host.WaitForFinalAsync(a.Id);
        await host.WaitForFinalAsync(b.Id);
        Assert.That((await host.Store.GetAsync(c.Id))!.Status, Is.EqualTo(JobStatus.Queued));
    }

    [Test]
    public async Task RescuedRow_DispatchedAtCleared_IsRunAgainWithoutTheOutbox()
    {
        // A worker that died mid-attempt: rescue clears dispatched_at; the claim does not look at it.
        await using var host = await StartHostAsync(With(("JobRunners:OutboxGrace", "01:00:00")));
        var job = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(NewKey()), new DispatchOptions { Delay = TimeSpan.FromHours(1) });
        Assert.That(await host.Store.ClaimOneAsync(job.Id, "dead-worker", TimeSpan.FromMilliseconds(1), ignoreRunAt: true), Is.Not.Null);

        var final = await host.WaitForFinalAsync(job.Id);
        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(2));
            Assert.That(final.LastError, Does.Contain("dead-worker"));
        });
    }
}
