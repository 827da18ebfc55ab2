using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>What gauges and health checks read: queue statistics and the schema version.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task GetQueueStatsAsync_NoQueuedRows_ListsNoQueue()
    {
        await InsertFinishedAsync(JobOutcomeKind.Succeeded);
        await InsertRunningAsync();

        Assert.That(await Store.GetQueueStatsAsync(), Is.Empty);
    }

    [Test]
    public async Task GetQueueStatsAsync_QueuedRows_CountsQueuedAndDuePerQueueWithOldestDueTime()
    {
        var written = Now;
        await InsertAsync(NewJob() with { QueueName = "mail", Dispatched = true });
        await InsertAsync(NewJob() with { QueueName = "mail", RunAt = written.AddMinutes(-5), Dispatched = true });
        await InsertAsync(NewJob() with { QueueName = "mail", RunAt = written.AddMinutes(10) });
        Time.Advance(TimeSpan.FromSeconds(30));
        await InsertAsync(NewJob() with { QueueName = "reports", Dispatched = true });
        await InsertRunningAsync(NewJob() with { QueueName = "reports" });
        await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob() with { QueueName = "reports" });
        await InsertFinishedAsync(JobOutcomeKind.Succeeded, NewJob() with { QueueName = "done" });
        Time.Advance(TimeSpan.FromMinutes(1));

        var stats = (await Store.GetQueueStatsAsync()).ToDictionary(s => s.QueueName);

        Assert.That(stats.Keys, Is.EquivalentTo(new[] { "mail", "reports" }), "queues with queued rows only");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stats["mail"].Queued, Is.EqualTo(3));
            Assert.That(stats["mail"].Due, Is.EqualTo(2), "the row delayed by ten minutes is not due");
            Assert.That(stats["mail"].OldestDueAt, Is.EqualTo(written.AddMinutes(-5)), "the run time asked for, though it was already past");
            Assert.That(stats["reports"].Queued, Is.EqualTo(1), "running and finished rows do not count");
            Assert.That(stats["reports"].Due, Is.EqualTo(1));
            Assert.That(stats["reports"].OldestDueAt, Is.EqualTo(written.AddSeconds(30)));
        }
    }

    [Test]
    public async Task GetQueueStatsAsync_NothingDue_GivesNoOldestDueTime()
    {
        await InsertAsync(NewJob() with { RunAt = Now.AddHours(1) });

        var stats = (await Store.GetQueueStatsAsync()).Single();

        Assert.That((stats.Queued, stats.Due, stats.OldestDueAt, stats.Undispatched, stats.OldestUndispatchedSince),
            Is.EqualTo((1L, 0L, (DateTimeOffset?)null, 0L, (DateTimeOffset?)null)));
    }

    [Test]
    public async Task GetQueueStatsAsync_Outbox_CountsDueUndispatchedRowsOnly()
    {
        var written = Now;
        var waiting = await InsertAsync(NewJob() with { RunAt = written.AddMinutes(-5) });
        await InsertAsync(NewJob() with { Dispatched = true });
        var delayed = await InsertAsync(NewJob() with { RunAt = written.AddMinutes(10) });
        var marked = await InsertAsync();
        await Store.MarkDispatchedAsync([new JobDispatchMark(marked.Id, marked.Attempts)], "aws-sqs");
        Time.Advance(TimeSpan.FromMinutes(1));

        var beforeDelayIsDue = (await Store.GetQueueStatsAsync()).Single();
        Time.Advance(TimeSpan.FromMinutes(10));
        var afterDelayIsDue = (await Store.GetQueueStatsAsync()).Single();
        await Store.MarkDispatchedAsync([new JobDispatchMark(waiting.Id, 0), new JobDispatchMark(delayed.Id, 0)], "aws-sqs");
        var allDispatched = (await Store.GetQueueStatsAsync()).Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(beforeDelayIsDue.Undispatched, Is.EqualTo(1), "the delayed row is not due, the others were dispatched");
            Assert.That(beforeDelayIsDue.OldestUndispatchedSince, Is.EqualTo(written), "waiting since written: its run time had passed already");
            Assert.That(afterDelayIsDue.Undispatched, Is.EqualTo(2));
            Assert.That(afterDelayIsDue.OldestUndispatchedSince, Is.EqualTo(written));
            Assert.That(afterDelayIsDue.Queued, Is.EqualTo(4));
            Assert.That(allDispatched.Undispatched, Is.Zero);
            Assert.That(allDispatched.OldestUndispatchedSince, Is.Null);
            Assert.That(allDispatched.Due, Is.EqualTo(4), "dispatched rows still wait to run");
        }
    }

    [Test]
    public async Task GetQueueStatsAsync_RetryHandedBackToOutbox_WaitsFromItsRetryTime()
    {
        var running = await InsertRunningAsync(NewJob() with { Dispatched = true, MaxAttempts = 3 });
        var retryAt = Now.AddMinutes(1);
        Assert.That(await CompleteAsync(new JobCompletion(running.Id, Worker, JobOutcome.Retry(retryAt, "boom")) { ReturnToOutbox = true }), Is.True);

        var beforeRetry = (await Store.GetQueueStatsAsync()).Single();
        Time.Advance(TimeSpan.FromMinutes(3));
        var afterRetry = (await Store.GetQueueStatsAsync()).Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((beforeRetry.Queued, beforeRetry.Due, beforeRetry.Undispatched), Is.EqualTo((1L, 0L, 0L)));
            Assert.That((afterRetry.Due, afterRetry.Undispatched), Is.EqualTo((1L, 1L)));
            Assert.That(afterRetry.OldestDueAt, Is.EqualTo(retryAt));
            Assert.That(afterRetry.OldestUndispatchedSince, Is.EqualTo(retryAt));
        }
    }

    [Test]
    public async Task GetSchemaStatusAsync_AfterMigrate_FindsTheVersionTheCodeExpects()
    {
        var status = await Store.GetSchemaStatusAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status.ExpectedVersion, Is.Positive);
            Assert.That(status.FoundVersion, Is.EqualTo(status.ExpectedVersion));
            Assert.That(status.IsCurrent, Is.True);
            Assert.That(status.MigrationsPending || status.NewerThanCode, Is.False);
        }
    }

    [Test]
    public async Task GetSchemaStatusAsync_SchemaNewerThanCode_ReportsItWithoutFailing()
    {
        await RecordMigrationAsync(999);

        var status = await Store.GetSchemaStatusAsync();

        Assert.That((status.FoundVersion, status.NewerThanCode, status.IsCurrent), Is.EqualTo((999, true, false)));
    }
}
