using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Claims of any due rows by filter: order, limit and filters.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task ClaimAsync_ByFilter_TakesHighestPriorityThenEarliestRunAtThenLowestId()
    {
        var a = await InsertAsync(NewJob() with { Priority = 0, RunAt = Now.AddMinutes(-1) });
        var b = await InsertAsync(NewJob() with { Priority = 5, RunAt = Now.AddMinutes(-1) });
        var c = await InsertAsync(NewJob() with { Priority = 5, RunAt = Now.AddMinutes(-2) });
        var d = await InsertAsync(NewJob() with { Priority = 0, RunAt = Now.AddMinutes(-1) });
        var e = await InsertAsync(NewJob() with { Priority = -3, RunAt = Now.AddMinutes(-5) });
        var f = await InsertAsync(NewJob() with { Priority = 5, RunAt = Now.AddMinutes(-1) });
        var expected = new[] { c.Id, b.Id, f.Id, a.Id, d.Id, e.Id };

        var oneByOne = new List<long>();
        for (var i = 0; i < expected.Length; i++)
        {
            oneByOne.AddRange((await Store.ClaimAsync(ClaimDue())).Select(j => j.Id));
        }

        Assert.That(oneByOne, Is.EqualTo(expected), "each claim takes the first queued row in claim order");
    }

    [Test]
    public async Task ClaimAsync_ByFilterBatch_ReturnsRowsInClaimOrder()
    {
        var low = await InsertAsync(NewJob() with { Priority = 1 });
        var late = await InsertAsync(NewJob() with { Priority = 7, RunAt = Now.AddSeconds(-1) });
        var early = await InsertAsync(NewJob() with { Priority = 7, RunAt = Now.AddSeconds(-9) });
        var same = await InsertAsync(NewJob() with { Priority = 7, RunAt = Now.AddSeconds(-1) });

        var claimed = await Store.ClaimAsync(ClaimDue(limit: 10));

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { early.Id, late.Id, same.Id, low.Id }));
    }

    [Test]
    public async Task ClaimAsync_ByFilterLimit_ClaimsAtMostLimit()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await InsertAsync()).Id);
        }

        var first = await Store.ClaimAsync(ClaimDue(limit: 3));
        var second = await Store.ClaimAsync(ClaimDue(limit: 3));
        var third = await Store.ClaimAsync(ClaimDue(limit: 3));

        Assert.That(first.Select(j => j.Id), Is.EqualTo(ids.Take(3)));
        Assert.That(second.Select(j => j.Id), Is.EqualTo(ids.Skip(3)));
        Assert.That(third, Is.Empty);
    }

    [Test]
    public async Task ClaimAsync_ByFilterDefaultLimit_ClaimsOneRow()
    {
        await InsertAsync();
        await InsertAsync();

        Assert.That(await Store.ClaimAsync(new JobClaimRequest { WorkerId = Worker, Lease = Lease }), Has.Count.EqualTo(1));
        Assert.That(await Store.ListQueuedAsync(new QueuedQuery()), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ClaimAsync_ByFilter_CountsAttemptsAndSetsLease()
    {
        var fresh = await InsertAsync(NewJob() with { MaxAttempts = 3 });
        var retried = await InsertRunningAsync(NewJob() with { MaxAttempts = 3 });
        Assert.That(await CompleteAsync(retried.Id, JobOutcome.Retry(Now, "TimeoutException: first")), Is.True);
        Time.Advance(TimeSpan.FromSeconds(3));

        var claimed = await Store.ClaimAsync(ClaimDue(limit: 5, worker: "host-a:7"));

        Assert.That(claimed.Select(j => j.Id), Is.EquivalentTo(new[] { fresh.Id, retried.Id }));
        using (Assert.EnterMultipleScope())
        {
            foreach (var job in claimed)
            {
                Assert.That(job.Status, Is.EqualTo(JobStatus.Running));
                Assert.That(job.Assigned, Is.True);
                Assert.That(job.LockedBy, Is.EqualTo("host-a:7"));
                Assert.That(job.LockedUntil, Is.EqualTo(Now + Lease));
                Assert.That(job.StartedAt, Is.EqualTo(Now));
                Assert.That(job.UpdatedAt, Is.EqualTo(Now));
                Assert.That(job.Attempts, Is.EqualTo(job.Id == retried.Id ? 2 : 1));
                Assert.That(await Store.GetAsync(job.Id), Is.EqualTo(job));
            }
        }
    }

    [Test]
    public async Task ClaimAsync_ByFilterNotDueRows_SkipsThemUntilDue()
    {
        var later = await InsertAsync(NewJob() with { RunAt = Now.AddMinutes(2), Priority = 9 });
        var due = await InsertAsync();

        var now = await Store.ClaimAsync(ClaimDue(limit: 5));
        Time.Advance(TimeSpan.FromMinutes(2));
        var afterDelay = await Store.ClaimAsync(ClaimDue(limit: 5));

        Assert.That(now.Select(j => j.Id), Is.EqualTo(new[] { due.Id }));
        Assert.That(afterDelay.Select(j => j.Id), Is.EqualTo(new[] { later.Id }), "run_at equal to now is due");
    }

    [Test]
    public async Task ClaimAsync_ByFilterRunningAndFinishedRows_NeverClaimsThem()
    {
        await InsertRunningAsync(worker: "worker-2");
        await InsertFinishedAsync(JobOutcomeKind.Succeeded);
        await InsertFinishedAsync(JobOutcomeKind.Failed);
        await InsertFinishedAsync(JobOutcomeKind.Cancelled);
        var cancelledWhileQueued = await InsertAsync();
        Assert.That(await Store.CancelAsync(cancelledWhileQueued.Id), Is.True);
        Time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(await Store.ClaimAsync(ClaimDue(limit: 10)), Is.Empty);
    }

    [Test]
    public async Task ClaimAsync_ByFilterJobTypes_ClaimsOnlyThoseTypes()
    {
        await InsertAsync(NewJob("send-email"));
        var report = await InsertAsync(NewJob("build-report"));
        var invoice = await InsertAsync(NewJob("send-invoice"));

        var claimed = await Store.ClaimAsync(ClaimDue(limit: 10) with { JobTypes = ["build-report", "send-invoice", "unknown"] });

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { report.Id, invoice.Id }));
    }

    [Test]
    public async Task ClaimAsync_ByFilterQueues_ClaimsOnlyThoseQueues()
    {
        var media = await InsertAsync(NewJob() with { QueueName = "media" });
        await InsertAsync(NewJob() with { QueueName = "bulk" });
        var mail = await InsertAsync(NewJob() with { QueueName = "mail" });

        var claimed = await Store.ClaimAsync(ClaimDue(limit: 10) with { Queues = ["media", "mail"] });

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { media.Id, mail.Id }));
    }

    [Test]
    public async Task ClaimAsync_ByFilterRunner_ClaimsOnlyThatRunnersRows()
    {
        var sqs = await InsertAsync(NewJob() with { Runner = "aws-sqs" });
        await InsertAsync(NewJob() with { Runner = "in-process" });
        await InsertAsync();

        var claimed = await Store.ClaimAsync(ClaimDue(limit: 10) with { Runner = "aws-sqs" });

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { sqs.Id }));
    }

    [Test]
    public async Task ClaimAsync_ByFilterCombined_AppliesEveryFilter()
    {
        var wanted = await InsertAsync(NewJob("resize") with { QueueName = "media", Runner = "in-process" });
        await InsertAsync(NewJob("resize") with { QueueName = "bulk", Runner = "in-process" });
        await InsertAsync(NewJob("thumbnail") with { QueueName = "media", Runner = "in-process" });
        await InsertAsync(NewJob("resize") with { QueueName = "media", Runner = "aws-sqs" });

        var claimed = await Store.ClaimAsync(ClaimDue(limit: 10) with { JobTypes = ["resize"], Queues = ["media"], Runner = "in-process" });

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { wanted.Id }));
    }

    [Test]
    public async Task ClaimAsync_ByFilterEmptyTypeOrQueueList_ClaimsNothing()
    {
        await InsertAsync();

        Assert.That(await Store.ClaimAsync(ClaimDue(limit: 10) with { JobTypes = [] }), Is.Empty, "no job types: a worker that serves none");
        Assert.That(await Store.ClaimAsync(ClaimDue(limit: 10) with { Queues = [] }), Is.Empty);
        Assert.That(await Store.ListQueuedAsync(new QueuedQuery()), Has.Count.EqualTo(1));
    }
}
