using JobRunners.Storage;
using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>The lease holder's progress and heartbeats, and cancellation.</content>
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
    public async Task ExtendLeaseAsync_LeaseHolder_MovesLockedUntilFromNow()
    {
        var running = await InsertRunningAsync();
        Time.Advance(TimeSpan.FromSeconds(10));

        Assert.That(await Store.ExtendLeaseAsync(running.Id, Worker, TimeSpan.FromMinutes(1)), Is.True);

        var stored = await GetRequiredAsync(running.Id);
        Assert.That(stored.LockedUntil, Is.EqualTo(Now.AddMinutes(1)));
        Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
        Assert.That(stored.LockedBy, Is.EqualTo(Worker));
    }

    [Test]
    public async Task ExtendLeaseAsync_LeaseTakenOverAfterRescue_ReturnsFalse()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 2 });
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.That(await Store.RescueExpiredLeasesAsync(), Has.Count.EqualTo(1));
        var takenOver = await ClaimAsync(running.Id, "worker-2");

        Assert.That(await Store.ExtendLeaseAsync(running.Id, Worker, Lease), Is.False);

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(takenOver));
    }

    [Test]
    public async Task ExtendLeaseAsync_JobCancelled_ReturnsFalse()
    {
        var running = await InsertRunningAsync();
        Assert.That(await Store.CancelAsync(running.Id, "stop"), Is.True);

        Assert.That(await Store.ExtendLeaseAsync(running.Id, Worker, Lease), Is.False);
        Assert.That((await GetRequiredAsync(running.Id)).LockedUntil, Is.Null);
    }

    [Test]
    public async Task CancelAsync_QueuedRow_CancelsWithReason()
    {
        var queued = await InsertAsync();
        Time.Advance(TimeSpan.FromSeconds(7));

        Assert.That(await Store.CancelAsync(queued.Id, "Cancelled by ada"), Is.True);

        var stored = await GetRequiredAsync(queued.Id);
        Assert.That(stored.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(stored.FinishedAt, Is.EqualTo(Now));
        Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
        Assert.That(stored.ResultMessage, Is.EqualTo("Cancelled by ada"));
    }

    [Test]
    public async Task CancelAsync_RunningRow_CancelsAndEndsLease()
    {
        var running = await InsertRunningAsync();

        Assert.That(await Store.CancelAsync(running.Id), Is.True);

        var stored = await GetRequiredAsync(running.Id);
        Assert.That(stored.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(stored.LockedUntil, Is.Null);
        Assert.That(stored.FinishedAt, Is.EqualTo(Now));
        Assert.That(await Store.ReportProgressAsync(running.Id, Worker, 90, null), Is.False);
        Assert.That(await Store.FinishAttemptAsync(running.Id, Worker, Result(AttemptOutcome.Succeeded)), Is.False);
        Assert.That((await GetRequiredAsync(running.Id)).Status, Is.EqualTo(JobStatus.Cancelled));
    }

    [Test]
    public async Task CancelAsync_NoReason_KeepsResultMessage()
    {
        var running = await InsertRunningAsync();
        await Store.ReportProgressAsync(running.Id, Worker, 20, "halfway through page 1");

        Assert.That(await Store.CancelAsync(running.Id), Is.True);

        Assert.That((await GetRequiredAsync(running.Id)).ResultMessage, Is.EqualTo("halfway through page 1"));
    }

    [TestCase(AttemptOutcome.Succeeded)]
    [TestCase(AttemptOutcome.Failed)]
    [TestCase(AttemptOutcome.Cancelled)]
    public async Task CancelAsync_FinishedRow_ReturnsFalseAndLeavesRow(AttemptOutcome outcome)
    {
        var finished = await InsertFinishedAsync(outcome);
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(await Store.CancelAsync(finished.Id, "too late"), Is.False);

        Assert.That(await Store.GetAsync(finished.Id), Is.EqualTo(finished));
    }

    [Test]
    public async Task CancelAsync_MissingRow_ReturnsFalse()
    {
        Assert.That(await Store.CancelAsync(987654, "gone"), Is.False);
    }
}
