using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Queue locks: a locking job runs alone in its queue.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task ClaimAsync_ByIdLockingJobRunning_LeavesOtherJobOfQueueQueued()
    {
        await InsertRunningAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });
        var waiting = await InsertAsync(NewJob("export") with { QueueName = "tenant-1" });

        Assert.That(await Store.ClaimAsync(ClaimById(waiting.Id, "worker-2")), Is.Empty);

        Assert.That(await Store.GetAsync(waiting.Id), Is.EqualTo(waiting));
    }

    [Test]
    public async Task ClaimAsync_ByIdOtherJobOfQueueRunning_LeavesLockingJobQueued()
    {
        await InsertRunningAsync(NewJob("export") with { QueueName = "tenant-1" });
        var locking = await InsertAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });

        Assert.That(await Store.ClaimAsync(ClaimById(locking.Id, "worker-2")), Is.Empty);

        Assert.That((await GetRequiredAsync(locking.Id)).Attempts, Is.Zero);
    }

    [Test]
    public async Task ClaimAsync_ByIdLockingJobRunningInOtherQueue_Claims()
    {
        await InsertRunningAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });
        var other = await InsertAsync(NewJob("import") with { QueueName = "tenant-2", LocksQueue = true });

        Assert.That(await ClaimOrNullAsync(other.Id, "worker-2"), Is.Not.Null);
    }

    [Test]
    public async Task ClaimAsync_ByIdOrdinaryJobsOfOneQueue_RunSideBySide()
    {
        await InsertRunningAsync(NewJob() with { QueueName = "mail" });
        var second = await InsertAsync(NewJob() with { QueueName = "mail" });

        Assert.That(await ClaimOrNullAsync(second.Id, "worker-2"), Is.Not.Null);
    }

    [Test]
    public async Task ClaimAsync_ByIdLockingJobFinished_QueueUnlocks()
    {
        var locking = await InsertRunningAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });
        var waiting = await InsertAsync(NewJob("export") with { QueueName = "tenant-1" });
        Assert.That(await ClaimOrNullAsync(waiting.Id, "worker-2"), Is.Null);

        Assert.That(await CompleteAsync(locking.Id, JobOutcome.Succeeded), Is.True);

        Assert.That(await ClaimOrNullAsync(waiting.Id, "worker-2"), Is.Not.Null);
    }

    [Test]
    public async Task ClaimAsync_ByFilterLockingJobRunning_ClaimsNothingOfItsQueue()
    {
        await InsertRunningAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });
        await InsertAsync(NewJob("export") with { QueueName = "tenant-1", Priority = 9 });
        await InsertAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true, Priority = 9 });
        var elsewhere = await InsertAsync(NewJob("export") with { QueueName = "tenant-2" });

        var claimed = await Store.ClaimAsync(ClaimDue(limit: 10, worker: "worker-2"));

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { elsewhere.Id }));
    }

    [Test]
    public async Task ClaimAsync_ByFilterOtherJobOfQueueRunning_SkipsLockingJob()
    {
        await InsertRunningAsync(NewJob("export") with { QueueName = "tenant-1" });
        var locking = await InsertAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true, Priority = 9 });
        var ordinary = await InsertAsync(NewJob("export") with { QueueName = "tenant-1" });

        var claimed = await Store.ClaimAsync(ClaimDue(limit: 10, worker: "worker-2"));

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { ordinary.Id }));
        Assert.That(await Store.GetAsync(locking.Id), Is.EqualTo(locking));
    }

    [Test]
    public async Task ClaimAsync_ByFilterLockingJobFirstInQueue_ClaimsItAloneInItsQueue()
    {
        var locking = await InsertAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true, Priority = 9 });
        var ordinary1 = await InsertAsync(NewJob("export") with { QueueName = "tenant-1" });
        var ordinary2 = await InsertAsync(NewJob("export") with { QueueName = "tenant-1" });
        var elsewhere = await InsertAsync(NewJob("export") with { QueueName = "tenant-2" });

        var first = await Store.ClaimAsync(ClaimDue(limit: 10));
        Assert.That(await CompleteAsync(locking.Id, JobOutcome.Succeeded), Is.True);
        var second = await Store.ClaimAsync(ClaimDue(limit: 10));

        Assert.That(first.Select(j => j.Id), Is.EquivalentTo(new[] { locking.Id, elsewhere.Id }));
        Assert.That(second.Select(j => j.Id), Is.EqualTo(new[] { ordinary1.Id, ordinary2.Id }));
    }

    [Test]
    public async Task ClaimAsync_ByFilterOrdinaryJobFirstInQueue_LeavesLockingJobOutOfTheBatch()
    {
        var ordinary = await InsertAsync(NewJob("export") with { QueueName = "tenant-1", Priority = 9 });
        var locking = await InsertAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true, Priority = 5 });
        await InsertAsync(NewJob("export") with { QueueName = "tenant-1" });

        var claimed = await Store.ClaimAsync(ClaimDue(limit: 10));

        Assert.That(claimed.Select(j => j.Id), Does.Contain(ordinary.Id));
        Assert.That(claimed.Select(j => j.Id), Does.Not.Contain(locking.Id));
        Assert.That(await Store.GetAsync(locking.Id), Is.EqualTo(locking));
    }

    [Test]
    public async Task ClaimAsync_ByFilterTwoLockingJobsOfOneQueue_ClaimsOnlyTheFirst()
    {
        var first = await InsertAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });
        var second = await InsertAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });

        var claimed = await Store.ClaimAsync(ClaimDue(limit: 10));

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { first.Id }));
        Assert.That(await Store.GetAsync(second.Id), Is.EqualTo(second));
    }

    [Test]
    public async Task ClaimAsync_ByFilterLockingJobsOfDifferentQueues_ClaimsEach()
    {
        var tenant1 = await InsertAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true });
        var tenant2 = await InsertAsync(NewJob("import") with { QueueName = "tenant-2", LocksQueue = true });

        var claimed = await Store.ClaimAsync(ClaimDue(limit: 10));

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { tenant1.Id, tenant2.Id }));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task ClaimAsync_ByIdsLockingAndOrdinaryJobOfOneQueue_ClaimsOnlyTheFirstInClaimOrder(bool lockingFirst)
    {
        var locking = await InsertAsync(NewJob("import") with { QueueName = "tenant-1", LocksQueue = true, Priority = lockingFirst ? 9 : 0 });
        var ordinary = await InsertAsync(NewJob("export") with { QueueName = "tenant-1", Priority = 5 });

        var claimed = await Store.ClaimAsync(new JobClaimRequest { WorkerId = Worker, Lease = Lease, Limit = 10, Ids = [locking.Id, ordinary.Id] });

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { lockingFirst ? locking.Id : ordinary.Id }));
    }
}
