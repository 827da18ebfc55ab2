using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Cancellation of queued and running rows.</content>
public abstract partial class JobStoreConformanceTests
{
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
        Assert.That(await Store.ExtendLeasesAsync([running.Id], Worker, Lease), Is.Empty);
        Assert.That(await CompleteAsync(running.Id, JobOutcome.Succeeded), Is.False);
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

    [TestCase(JobOutcomeKind.Succeeded)]
    [TestCase(JobOutcomeKind.Failed)]
    [TestCase(JobOutcomeKind.Cancelled)]
    public async Task CancelAsync_FinishedRow_ReturnsFalseAndLeavesRow(JobOutcomeKind kind)
    {
        var finished = await InsertFinishedAsync(kind);
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
