using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>The lease holder's progress and heartbeats.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task ReportProgressAsync_LeaseHolder_WritesProgressAndMessage()
    {
        var running = await InsertRunningAsync();
        Time.Advance(TimeSpan.FromSeconds(4));

        var written = await Store.ReportProgressAsync(running.Id, Worker, 40, "40 of 100 rows");

        var stored = await GetRequiredAsync(running.Id);
        Assert.That(written, Is.True);
        Assert.That(stored.Progress, Is.EqualTo(40));
        Assert.That(stored.ResultMessage, Is.EqualTo("40 of 100 rows"));
        Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
        Assert.That(stored.Status, Is.EqualTo(JobStatus.Running));
    }

    [Test]
    public async Task ReportProgressAsync_NullMessage_KeepsEarlierMessage()
    {
        var running = await InsertRunningAsync();
        await Store.ReportProgressAsync(running.Id, Worker, 10, "reading");

        Assert.That(await Store.ReportProgressAsync(running.Id, Worker, 60, null), Is.True);

        var stored = await GetRequiredAsync(running.Id);
        Assert.That(stored.Progress, Is.EqualTo(60));
        Assert.That(stored.ResultMessage, Is.EqualTo("reading"));
    }

    [Test]
    public async Task ReportProgressAsync_OtherWorker_ReturnsFalseAndLeavesRow()
    {
        var running = await InsertRunningAsync();

        Assert.That(await Store.ReportProgressAsync(running.Id, "worker-2", 50, "not mine"), Is.False);

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(running));
    }

    [Test]
    public async Task ReportProgressAsync_QueuedRow_ReturnsFalse()
    {
        var queued = await InsertAsync();

        Assert.That(await Store.ReportProgressAsync(queued.Id, Worker, 50, null), Is.False);
        Assert.That((await GetRequiredAsync(queued.Id)).Progress, Is.Zero);
    }

    [TestCase(-1)]
    [TestCase(101)]
    public async Task ReportProgressAsync_OutOfRange_ThrowsArgumentOutOfRangeException(int progress)
    {
        var running = await InsertRunningAsync();

        Assert.That(async () => await Store.ReportProgressAsync(running.Id, Worker, progress, null), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task ExtendLeasesAsync_LeaseHolder_MovesLockedUntilFromNow()
    {
        var running = await InsertRunningAsync();
        Time.Advance(TimeSpan.FromSeconds(10));

        Assert.That(await Store.ExtendLeasesAsync([running.Id], Worker, TimeSpan.FromMinutes(1)), Is.EqualTo(new[] { running.Id }));

        var stored = await GetRequiredAsync(running.Id);
        Assert.That(stored.LockedUntil, Is.EqualTo(Now.AddMinutes(1)));
        Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
        Assert.That(stored.LockedBy, Is.EqualTo(Worker));
        Assert.That(stored.Status, Is.EqualTo(JobStatus.Running));
    }

    [Test]
    public async Task ExtendLeasesAsync_ManyRows_ReturnsOnlyIdsStillHeld()
    {
        var held = await InsertRunningAsync();
        var heldToo = await InsertRunningAsync();
        var otherWorkers = await InsertRunningAsync(worker: "worker-2");
        var finished = await InsertFinishedAsync(JobOutcomeKind.Succeeded);
        var queued = await InsertAsync();
        Time.Advance(TimeSpan.FromSeconds(10));

        var extended = await Store.ExtendLeasesAsync([held.Id, otherWorkers.Id, finished.Id, queued.Id, 987654, heldToo.Id], Worker, Lease);

        Assert.That(extended, Is.EquivalentTo(new[] { held.Id, heldToo.Id }));
        Assert.That((await GetRequiredAsync(held.Id)).LockedUntil, Is.EqualTo(Now + Lease));
        Assert.That((await GetRequiredAsync(heldToo.Id)).LockedUntil, Is.EqualTo(Now + Lease));
        Assert.That(await Store.GetAsync(otherWorkers.Id), Is.EqualTo(otherWorkers));
        Assert.That(await Store.GetAsync(finished.Id), Is.EqualTo(finished));
        Assert.That(await Store.GetAsync(queued.Id), Is.EqualTo(queued));
    }

    [Test]
    public async Task ExtendLeasesAsync_LeaseTakenOverAfterRescue_ReturnsNoId()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 2 });
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.That(await Store.RescueExpiredLeasesAsync(), Has.Count.EqualTo(1));
        var takenOver = await ClaimAsync(running.Id, "worker-2");

        Assert.That(await Store.ExtendLeasesAsync([running.Id], Worker, Lease), Is.Empty);

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(takenOver));
    }

    [Test]
    public async Task ExtendLeasesAsync_JobCancelled_ReturnsNoId()
    {
        var running = await InsertRunningAsync();
        Assert.That(await Store.CancelAsync(running.Id, "stop"), Is.True);

        Assert.That(await Store.ExtendLeasesAsync([running.Id], Worker, Lease), Is.Empty);
        Assert.That((await GetRequiredAsync(running.Id)).LockedUntil, Is.Null);
    }

    [Test]
    public async Task ExtendLeasesAsync_NoIds_ReturnsNoIds()
    {
        Assert.That(await Store.ExtendLeasesAsync([], Worker, Lease), Is.Empty);
    }

    [Test]
    public async Task ExtendLeasesAsync_InvalidArguments_ThrowArgumentException()
    {
        var running = await InsertRunningAsync();

        Assert.That(async () => await Store.ExtendLeasesAsync([running.Id], "", Lease), Throws.InstanceOf<ArgumentException>());
        Assert.That(async () => await Store.ExtendLeasesAsync([running.Id], Worker, TimeSpan.Zero), Throws.InstanceOf<ArgumentException>());
        Assert.That(async () => await Store.ExtendLeasesAsync(null!, Worker, Lease), Throws.InstanceOf<ArgumentException>());
        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(running));
    }
}
