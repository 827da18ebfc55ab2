using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>
/// What an operator reads (counts, throughput, workers, time filters) and does (retry, run now, delete, purge).
/// Every action is guarded by the status it expects, so racing operators change a row once.
/// </content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task RetryAsync_FailedRow_QueuedDueNowWithFreshAttemptsAndItsErrorKept()
    {
        var failed = await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob() with { MaxAttempts = 3, Dispatched = true, Runner = "aws-sqs" });
        Time.Advance(TimeSpan.FromMinutes(5));

        var retried = await Store.RetryAsync(failed.Id);

        Assert.That(retried, Is.Not.Null);
        Assert.That(retried, Is.EqualTo(await GetRequiredAsync(failed.Id)), "the row returned is the row written");
        Assert.Multiple(() =>
        {
            Assert.That(retried!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(retried.Attempts, Is.Zero);
            Assert.That(retried.Retries, Is.EqualTo(1));
            Assert.That(retried.RunAt, Is.EqualTo(Now));
            Assert.That(retried.DispatchedAt, Is.Null, "the outbox hands it over again");
            Assert.That(retried.FinishedAt, Is.Null);
            Assert.That(retried.LockedBy, Is.Null);
            Assert.That(retried.LastError, Is.EqualTo(failed.LastError), "the last error stays readable");
            Assert.That(retried.CreatedAt, Is.EqualTo(failed.CreatedAt));
        });
        Assert.That((await Store.ClaimAsync(ClaimDue())).Select(j => j.Id), Is.EqualTo(new[] { failed.Id }), "a retried row is claimed again");
    }

    [Test]
    public async Task RetryAsync_ThenClaim_TheClaimedRowCarriesTheRetryCount()
    {
        var failed = await InsertFinishedAsync(JobOutcomeKind.Failed);
        await Store.RetryAsync(failed.Id);

        var claimed = await ClaimAsync(failed.Id);

        Assert.That(claimed.Retries, Is.EqualTo(1), "a handler reads IJobContext.Retries from the claimed row");
        Assert.That(claimed, Is.EqualTo(await GetRequiredAsync(failed.Id)), "the claimed row reads as the stored row");
    }

    [TestCase(JobOutcomeKind.Succeeded)]
    [TestCase(null)]
    public async Task RetryAsync_NotFailedOrCancelled_WritesNothing(JobOutcomeKind? kind)
    {
        var row = kind is { } k ? await InsertFinishedAsync(k) : await InsertRunningAsync();

        Assert.That(await Store.RetryAsync(row.Id), Is.Null);
        Assert.That(await Store.RetryAsync(987654), Is.Null);
        Assert.That(await GetRequiredAsync(row.Id), Is.EqualTo(row));
    }

    [Test]
    public async Task RetryAsync_TwoOperatorsAtOnce_ExactlyOneRetries()
    {
        var cancelled = await InsertFinishedAsync(JobOutcomeKind.Cancelled);

        var results = await RunConcurrentlyAsync(8, _ => Store.RetryAsync(cancelled.Id));

        Assert.That(results.Count(r => r is not null), Is.EqualTo(1));
        Assert.That((await GetRequiredAsync(cancelled.Id)).Retries, Is.EqualTo(1));
    }

    [Test]
    public async Task RetryAsync_AnotherUnfinishedRowHoldsItsUniqueKey_WritesNothing()
    {
        var failed = await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob() with { UniqueKey = "invoice-7" });
        var twin = await InsertAsync(NewJob() with { UniqueKey = "invoice-7" });

        Assert.That(await Store.RetryAsync(failed.Id), Is.Null);
        Assert.That((await GetRequiredAsync(failed.Id)).Status, Is.EqualTo(JobStatus.Failed));
        Assert.That((await GetRequiredAsync(twin.Id)).Status, Is.EqualTo(JobStatus.Queued));
    }

    [Test]
    public async Task RetryManyAsync_ByStatusAndType_RetriesOnlyThoseUpToTheLimit()
    {
        var failedA = await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob("a"));
        var failedA2 = await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob("a"));
        var failedA3 = await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob("a"));
        var failedB = await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob("b"));
        var cancelledA = await InsertFinishedAsync(JobOutcomeKind.Cancelled, NewJob("a"));

        var first = await Store.RetryManyAsync(JobStatus.Failed, "a", 2);
        var rest = await Store.RetryManyAsync(JobStatus.Failed, "a", 2);

        Assert.That(first.Select(j => j.Id), Is.EqualTo(new[] { failedA.Id, failedA2.Id }), "oldest first, up to the limit");
        Assert.That(rest.Select(j => j.Id), Is.EqualTo(new[] { failedA3.Id }));
        Assert.That(first.Concat(rest).All(j => j.Status == JobStatus.Queued && j.Retries == 1), Is.True);
        Assert.That((await GetRequiredAsync(failedB.Id)).Status, Is.EqualTo(JobStatus.Failed));
        Assert.That((await GetRequiredAsync(cancelledA.Id)).Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That((await Store.RetryManyAsync(JobStatus.Cancelled, null, 10)).Select(j => j.Id), Is.EqualTo(new[] { cancelledA.Id }));
        Assert.That(async () => await Store.RetryManyAsync(JobStatus.Succeeded, null, 10), Throws.InstanceOf<ArgumentException>());
    }

    [Test]
    public async Task RunNowAsync_DelayedRow_DueNowAndUndispatched()
    {
        var delayed = await InsertAsync(NewJob() with { RunAt = Now.AddHours(1), Dispatched = true, Runner = "aws-sqs" });
        var due = await InsertAsync();

        var ran = await Store.RunNowAsync(delayed.Id);

        Assert.That(ran, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(ran!.RunAt, Is.EqualTo(Now));
            Assert.That(ran.DispatchedAt, Is.Null);
            Assert.That(ran.Status, Is.EqualTo(JobStatus.Queued));
        });
        Assert.That(await Store.RunNowAsync(delayed.Id), Is.Null, "already due");
        Assert.That(await Store.RunNowAsync(due.Id), Is.Null, "already due");
        var running = await InsertRunningAsync();
        Assert.That(await Store.RunNowAsync(running.Id), Is.Null, "not queued");
    }

    [Test]
    public async Task DeleteAsync_OnlyFinishedRows()
    {
        var queued = await InsertAsync();
        var running = await InsertRunningAsync();
        var succeeded = await InsertFinishedAsync(JobOutcomeKind.Succeeded);

        Assert.That(await Store.DeleteAsync(queued.Id), Is.False);
        Assert.That(await Store.DeleteAsync(running.Id), Is.False);
        Assert.That(await Store.DeleteAsync(succeeded.Id), Is.True);
        Assert.That(await Store.DeleteAsync(succeeded.Id), Is.False, "already gone");
        Assert.That(await Store.GetAsync(succeeded.Id), Is.Null);
        Assert.That(await Store.GetAsync(queued.Id), Is.Not.Null);
    }

    [Test]
    public async Task PurgeAsync_StatusTypeAndFinishedBefore()
    {
        var oldFailedA = await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob("a"));
        var oldFailedB = await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob("b"));
        var oldSucceeded = await InsertFinishedAsync(JobOutcomeKind.Succeeded, NewJob("a"));
        Time.Advance(TimeSpan.FromDays(2));
        var newFailed = await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob("a"));

        Assert.That(await Store.PurgeAsync(JobStatus.Failed, Now.AddDays(-1), "a"), Is.EqualTo(1));
        Assert.That(await Store.GetAsync(oldFailedA.Id), Is.Null);
        Assert.That(await Store.GetAsync(oldFailedB.Id), Is.Not.Null);
        Assert.That(await Store.GetAsync(oldSucceeded.Id), Is.Not.Null);
        Assert.That(await Store.GetAsync(newFailed.Id), Is.Not.Null);
        Assert.That(await Store.PurgeAsync(JobStatus.Failed, Now.AddDays(-1)), Is.EqualTo(1));
        Assert.That(async () => await Store.PurgeAsync(JobStatus.Queued, Now), Throws.InstanceOf<ArgumentException>());
    }

    [Test]
    public async Task CountJobsAsync_ByTypeAndStatus()
    {
        await InsertAsync(NewJob("a"));
        await InsertAsync(NewJob("a"));
        await InsertRunningAsync(NewJob("a"));
        await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob("b"));

        var counts = await Store.CountJobsAsync();

        Assert.That(counts, Is.EquivalentTo(new[]
        {
            new JobCount("a", JobStatus.Queued, 2),
            new JobCount("a", JobStatus.Running, 1),
            new JobCount("b", JobStatus.Failed, 1),
        }));
    }

    [Test]
    public async Task GetThroughputAsync_FinishedPerMinuteSince()
    {
        await InsertFinishedAsync(JobOutcomeKind.Succeeded);
        Time.Advance(TimeSpan.FromMinutes(2));
        var minute = Now;
        await InsertFinishedAsync(JobOutcomeKind.Succeeded);
        await InsertFinishedAsync(JobOutcomeKind.Failed);
        await InsertFinishedAsync(JobOutcomeKind.Cancelled);
        await InsertRunningAsync();

        var samples = await Store.GetThroughputAsync(minute.AddSeconds(-1));

        var bucket = new DateTimeOffset(minute.Ticks - (minute.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        Assert.That(samples, Is.EqualTo(new[] { new ThroughputSample(bucket, 1, 1) }));
    }

    [Test]
    public async Task GetWorkersAsync_RunningAndRecentlyFinishedHolders()
    {
        await InsertRunningAsync(worker: "worker-a");
        await InsertRunningAsync(worker: "worker-a");
        var done = await InsertRunningAsync(worker: "worker-b");
        Assert.That(await CompleteAsync(done.Id, JobOutcome.Succeeded, "worker-b"), Is.True);
        var old = Now;
        Time.Advance(TimeSpan.FromHours(1));

        var recent = await Store.GetWorkersAsync(old.AddMinutes(-1));
        var later = await Store.GetWorkersAsync(Now.AddMinutes(-1));

        Assert.That(recent.Select(w => (w.WorkerId, w.Running)), Is.EquivalentTo(new[] { ("worker-a", 2), ("worker-b", 0) }));
        Assert.That(later.Select(w => (w.WorkerId, w.Running)), Is.EqualTo(new[] { ("worker-a", 2) }), "a worker with nothing running is seen while it finished rows recently");
    }

    [Test]
    public async Task ListAsync_CreatedRange_ReturnsRowsWrittenInIt()
    {
        await InsertAsync();
        Time.Advance(TimeSpan.FromHours(1));
        var from = Now;
        var inside = await InsertAsync();
        Time.Advance(TimeSpan.FromHours(1));
        var before = Now;
        await InsertAsync();

        var jobs = await Store.ListAsync(new JobQuery { CreatedFrom = from, CreatedBefore = before });

        Assert.That(jobs.Select(j => j.Id), Is.EqualTo(new[] { inside.Id }));
    }
}
