using JobRunners.Storage;
using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Atomic claims, due times and queue locks.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task TryClaimAsync_QueuedDueRow_ClaimsAndCountsAttempt()
    {
        var queued = await InsertAsync();
        Time.Advance(TimeSpan.FromSeconds(2));

        var result = await Store.TryClaimAsync(queued.Id, new JobClaim(Worker, Lease));

        var job = result.Job!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(ClaimStatus.Claimed));
            Assert.That(job.Status, Is.EqualTo(JobStatus.Running));
            Assert.That(job.Assigned, Is.True);
            Assert.That(job.LockedBy, Is.EqualTo(Worker));
            Assert.That(job.LockedUntil, Is.EqualTo(Now + Lease));
            Assert.That(job.Attempts, Is.EqualTo(1));
            Assert.That(job.StartedAt, Is.EqualTo(Now));
            Assert.That(job.UpdatedAt, Is.EqualTo(Now));
            Assert.That(job.CreatedAt, Is.EqualTo(queued.CreatedAt));
            Assert.That(await Store.GetAsync(job.Id), Is.EqualTo(job));
        }
    }

    [Test]
    public async Task TryClaimAsync_MissingRow_ReturnsNotFound()
    {
        var result = await Store.TryClaimAsync(987654, new JobClaim(Worker, Lease));

        Assert.That(result.Status, Is.EqualTo(ClaimStatus.NotFound));
        Assert.That(result.Job, Is.Null);
    }

    [Test]
    public async Task TryClaimAsync_RunningRow_ReturnsNotQueuedAndKeepsLease()
    {
        var running = await InsertRunningAsync();

        var result = await Store.TryClaimAsync(running.Id, new JobClaim("worker-2", Lease));

        Assert.That(result.Status, Is.EqualTo(ClaimStatus.NotQueued));
        Assert.That(result.Job, Is.EqualTo(running));
    }

    [Test]
    public async Task TryClaimAsync_FinishedRow_ReturnsNotQueued()
    {
        var finished = await InsertFinishedAsync(AttemptOutcome.Succeeded);

        var result = await Store.TryClaimAsync(finished.Id, new JobClaim(Worker, Lease, IgnoreRunAt: true));

        Assert.That(result.Status, Is.EqualTo(ClaimStatus.NotQueued));
        Assert.That(result.Job!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task TryClaimAsync_NotYetDue_ReturnsNotDueAndLeavesRow()
    {
        var delayed = await InsertAsync(NewJob() with { RunAt = Now.AddMinutes(1) });

        var result = await Store.TryClaimAsync(delayed.Id, new JobClaim(Worker, Lease));

        Assert.That(result.Status, Is.EqualTo(ClaimStatus.NotDue));
        Assert.That(result.Job, Is.EqualTo(delayed));
        Assert.That(await Store.GetAsync(delayed.Id), Is.EqualTo(delayed));
    }

    [Test]
    public async Task TryClaimAsync_NotYetDueWithIgnoreRunAt_Claims()
    {
        var delayed = await InsertAsync(NewJob() with { RunAt = Now.AddMinutes(1) });

        var result = await Store.TryClaimAsync(delayed.Id, new JobClaim(Worker, Lease, IgnoreRunAt: true));

        Assert.That(result.Status, Is.EqualTo(ClaimStatus.Claimed));
        Assert.That(result.Job!.Attempts, Is.EqualTo(1));
    }

    [Test]
    public async Task TryClaimAsync_RunAtReached_Claims()
    {
        var delayed = await InsertAsync(NewJob() with { RunAt = Now.AddMinutes(1) });
        Time.Advance(TimeSpan.FromMinutes(1));

        var result = await Store.TryClaimAsync(delayed.Id, new JobClaim(Worker, Lease));

        Assert.That(result.Status, Is.EqualTo(ClaimStatus.Claimed));
    }

    [Test]
    public async Task TryClaimAsync_LockingJobRunning_OtherJobOfQueueGetsQueueLocked()
    {
        await InsertRunningAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });
        var waiting = await InsertAsync(NewJob("export") with { QueueName = "tenant-1" });

        var result = await Store.TryClaimAsync(waiting.Id, new JobClaim("worker-2", Lease));

        Assert.That(result.Status, Is.EqualTo(ClaimStatus.QueueLocked));
        Assert.That(result.Job, Is.EqualTo(waiting));
        Assert.That((await GetRequiredAsync(waiting.Id)).Status, Is.EqualTo(JobStatus.Queued));
    }

    [Test]
    public async Task TryClaimAsync_OtherJobOfQueueRunning_LockingJobGetsQueueLocked()
    {
        await InsertRunningAsync(NewJob("export") with { QueueName = "tenant-1" });
        var locking = await InsertAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });

        var result = await Store.TryClaimAsync(locking.Id, new JobClaim("worker-2", Lease));

        Assert.That(result.Status, Is.EqualTo(ClaimStatus.QueueLocked));
        Assert.That((await GetRequiredAsync(locking.Id)).Attempts, Is.Zero);
    }

    [Test]
    public async Task TryClaimAsync_LockingJobRunningInOtherQueue_Claims()
    {
        await InsertRunningAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });
        var other = await InsertAsync(NewJob("import") with { QueueName = "tenant-2", LocksQueue = true });

        var result = await Store.TryClaimAsync(other.Id, new JobClaim("worker-2", Lease));

        Assert.That(result.Status, Is.EqualTo(ClaimStatus.Claimed));
    }

    [Test]
    public async Task TryClaimAsync_OrdinaryJobsOfOneQueue_RunSideBySide()
    {
        await InsertRunningAsync(NewJob() with { QueueName = "mail" });
        var second = await InsertAsync(NewJob() with { QueueName = "mail" });

        var result = await Store.TryClaimAsync(second.Id, new JobClaim("worker-2", Lease));

        Assert.That(result.Status, Is.EqualTo(ClaimStatus.Claimed));
    }

    [Test]
    public async Task TryClaimAsync_LockingJobFinished_QueueUnlocks()
    {
        var locking = await InsertRunningAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });
        var waiting = await InsertAsync(NewJob("export") with { QueueName = "tenant-1" });
        Assert.That((await Store.TryClaimAsync(waiting.Id, new JobClaim("worker-2", Lease))).Status, Is.EqualTo(ClaimStatus.QueueLocked));

        Assert.That(await Store.FinishAttemptAsync(locking.Id, Worker, Result(AttemptOutcome.Succeeded)), Is.True);

        Assert.That((await Store.TryClaimAsync(waiting.Id, new JobClaim("worker-2", Lease))).Status, Is.EqualTo(ClaimStatus.Claimed));
    }

    [Test]
    public async Task TryClaimAsync_ConcurrentClaimersOfOneRow_ExactlyOneWins()
    {
        var job = await InsertAsync();

        var results = await RunConcurrentlyAsync(10, i => Store.TryClaimAsync(job.Id, new JobClaim($"worker-{i}", Lease)));

        var winners = results.Where(r => r.Status == ClaimStatus.Claimed).ToList();
        Assert.That(winners, Has.Count.EqualTo(1));
        Assert.That(results.Where(r => r.Status != ClaimStatus.Claimed).Select(r => r.Status), Is.All.EqualTo(ClaimStatus.NotQueued));
        var stored = await GetRequiredAsync(job.Id);
        Assert.That(stored.Attempts, Is.EqualTo(1));
        Assert.That(stored.LockedBy, Is.EqualTo(winners[0].Job!.LockedBy));
    }

    [Test]
    public async Task TryClaimAsync_ConcurrentClaimsOfLockingJobsInOneQueue_OnlyOneRuns()
    {
        for (var round = 0; round < 5; round++)
        {
            var jobs = new List<JobRequest>();
            for (var i = 0; i < 4; i++)
            {
                jobs.Add(await InsertAsync(NewJob() with { QueueName = $"locked-{round}", LocksQueue = true }));
            }

            var results = await RunConcurrentlyAsync(jobs.Count, i => Store.TryClaimAsync(jobs[i].Id, new JobClaim($"worker-{i}", Lease)));

            Assert.That(results.Count(r => r.Status == ClaimStatus.Claimed), Is.EqualTo(1), $"round {round}");
            Assert.That(results.Count(r => r.Status == ClaimStatus.QueueLocked), Is.EqualTo(jobs.Count - 1), $"round {round}");
        }
    }

    [Test]
    public async Task TryClaimAsync_ConcurrentLockingAndOrdinaryClaims_NeverRunTogether()
    {
        for (var round = 0; round < 5; round++)
        {
            var queue = $"mixed-{round}";
            var jobs = new List<JobRequest> { await InsertAsync(NewJob() with { QueueName = queue, LocksQueue = true }) };
            for (var i = 0; i < 3; i++)
            {
                jobs.Add(await InsertAsync(NewJob() with { QueueName = queue }));
            }

            await RunConcurrentlyAsync(jobs.Count, i => Store.TryClaimAsync(jobs[i].Id, new JobClaim($"worker-{i}", Lease)));

            var running = await Store.ListAsync(new JobQuery { QueueName = queue, Status = JobStatus.Running });
            Assert.That(running, Is.Not.Empty, $"round {round}");
            if (running.Any(j => j.LocksQueue))
            {
                Assert.That(running, Has.Count.EqualTo(1), $"round {round}: a locking job ran beside another job");
            }
        }
    }

    [Test]
    public void TryClaimAsync_InvalidClaim_ThrowsArgumentException()
    {
        Assert.That(async () => await Store.TryClaimAsync(1, new JobClaim("", Lease)), Throws.InstanceOf<ArgumentException>());
        Assert.That(async () => await Store.TryClaimAsync(1, new JobClaim(Worker, TimeSpan.Zero)), Throws.InstanceOf<ArgumentException>());
    }
}
