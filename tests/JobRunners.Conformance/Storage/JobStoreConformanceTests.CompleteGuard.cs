using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Completions in batches, deleted task rows, and the lease guard: only the lease holder's outcome is written.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task CompleteAsync_BatchOfEveryKind_WritesEachAndReturnsTheirIds()
    {
        var rows = new List<JobRequest>();
        for (var i = 0; i < 5; i++)
        {
            rows.Add(await InsertRunningAsync(NewJob() with { MaxAttempts = 3 }));
        }

        var kinds = new[] { JobOutcomeKind.Succeeded, JobOutcomeKind.Failed, JobOutcomeKind.Cancelled, JobOutcomeKind.Retry, JobOutcomeKind.Released };
        var written = await Store.CompleteAsync(rows.Select((r, i) => new JobCompletion(r.Id, Worker, Outcome(kinds[i]))).ToList());

        Assert.That(written, Is.EquivalentTo(rows.Select(r => r.Id)));
        var stored = (await Store.GetManyAsync(rows.Select(r => r.Id).ToList())).ToDictionary(j => j.Id);
        Assert.That(
            rows.Select(r => (stored[r.Id].Status, stored[r.Id].Attempts)),
            Is.EqualTo(new[] { (JobStatus.Succeeded, 1), (JobStatus.Failed, 1), (JobStatus.Cancelled, 1), (JobStatus.Queued, 1), (JobStatus.Queued, 0) }));
    }

    [Test]
    public async Task CompleteAsync_BatchWithRowsNotHeld_WritesAndReturnsOnlyHeldRows()
    {
        var held = await InsertRunningAsync();
        var otherWorkers = await InsertRunningAsync(worker: "worker-2");
        var queued = await InsertAsync();
        var heldToo = await InsertRunningAsync();
        Time.Advance(TimeSpan.FromSeconds(1));

        var written = await Store.CompleteAsync(
        [
            new JobCompletion(held.Id, Worker, JobOutcome.Succeeded),
            new JobCompletion(otherWorkers.Id, Worker, JobOutcome.Succeeded),
            new JobCompletion(queued.Id, Worker, JobOutcome.Failed("x")),
            new JobCompletion(987654, Worker, JobOutcome.Succeeded),
            new JobCompletion(heldToo.Id, Worker, JobOutcome.Failed("x")),
        ]);

        Assert.That(written, Is.EquivalentTo(new[] { held.Id, heldToo.Id }));
        Assert.That(await Store.GetAsync(otherWorkers.Id), Is.EqualTo(otherWorkers));
        Assert.That(await Store.GetAsync(queued.Id), Is.EqualTo(queued));
        Assert.That((await GetRequiredAsync(heldToo.Id)).Status, Is.EqualTo(JobStatus.Failed));
    }

    [TestCase(JobOutcomeKind.Succeeded)]
    [TestCase(JobOutcomeKind.Failed)]
    [TestCase(JobOutcomeKind.Cancelled)]
    [TestCase(JobOutcomeKind.Retry)]
    [TestCase(JobOutcomeKind.Released)]
    public async Task CompleteAsync_OtherWorker_WritesNothingAndReturnsNoId(JobOutcomeKind kind)
    {
        var running = await InsertRunningAsync();
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(await CompleteAsync(running.Id, Outcome(kind), "worker-2"), Is.False);

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(running));
    }

    [Test]
    public async Task CompleteAsync_CalledTwice_SecondWritesNothing()
    {
        var running = await InsertRunningAsync();
        Assert.That(await CompleteAsync(running.Id, Outcome(JobOutcomeKind.Failed)), Is.True);

        Assert.That(await CompleteAsync(running.Id, JobOutcome.Succeeded), Is.False);

        Assert.That((await GetRequiredAsync(running.Id)).Status, Is.EqualTo(JobStatus.Failed));
    }

    [Test]
    public async Task CompleteAsync_MissingRow_ReturnsNoId()
    {
        Assert.That(await CompleteAsync(987654, JobOutcome.Succeeded), Is.False);
    }

    [TestCase(JobOutcomeKind.Succeeded)]
    [TestCase(JobOutcomeKind.Retry)]
    public async Task CompleteAsync_AfterLeaseRescuedAndTakenOver_WritesNothing(JobOutcomeKind kind)
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 2 });
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.That(await Store.RescueExpiredLeasesAsync(), Has.Count.EqualTo(1));
        var takenOver = await ClaimAsync(running.Id, "worker-2");

        Assert.That(await CompleteAsync(running.Id, Outcome(kind)), Is.False);

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(takenOver));
    }

    [Test]
    public async Task CompleteAsync_AfterLeaseRescuedBeforeReclaim_WritesNothing()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 2 });
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var rescued = (await Store.RescueExpiredLeasesAsync()).Single();

        Assert.That(await CompleteAsync(running.Id, JobOutcome.Succeeded), Is.False);

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(rescued));
    }

    [Test]
    public async Task CompleteAsync_AfterCancel_WritesNothing()
    {
        var running = await InsertRunningAsync();
        Assert.That(await Store.CancelAsync(running.Id, "stop"), Is.True);
        var cancelled = await GetRequiredAsync(running.Id);

        Assert.That(await CompleteAsync(running.Id, JobOutcome.Succeeded), Is.False);
        Assert.That(await CompleteAsync(new JobCompletion(running.Id, Worker, JobOutcome.Succeeded) { DeleteOnSuccess = true }), Is.False);

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(cancelled));
    }

    [Test]
    public async Task CompleteAsync_DeleteOnSuccess_RemovesRow()
    {
        var running = await InsertRunningAsync(NewJob("task:ping"));
        var kept = await InsertRunningAsync(NewJob("task:ping"));

        var written = await Store.CompleteAsync(
        [
            new JobCompletion(running.Id, Worker, JobOutcome.Succeeded) { DeleteOnSuccess = true },
            new JobCompletion(kept.Id, Worker, JobOutcome.Succeeded),
        ]);

        Assert.That(written, Is.EquivalentTo(new[] { running.Id, kept.Id }));
        Assert.That(await Store.GetAsync(running.Id), Is.Null);
        Assert.That((await GetRequiredAsync(kept.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [TestCase(JobOutcomeKind.Failed, JobStatus.Failed)]
    [TestCase(JobOutcomeKind.Retry, JobStatus.Queued)]
    public async Task CompleteAsync_DeleteOnSuccessWithoutSuccess_KeepsRow(JobOutcomeKind kind, JobStatus expected)
    {
        var running = await InsertRunningAsync(NewJob("task:ping") with { MaxAttempts = 2 });

        Assert.That(await CompleteAsync(new JobCompletion(running.Id, Worker, Outcome(kind)) { DeleteOnSuccess = true }), Is.True);

        Assert.That((await GetRequiredAsync(running.Id)).Status, Is.EqualTo(expected));
    }

    [Test]
    public async Task CompleteAsync_DeleteOnSuccessByOtherWorker_KeepsRow()
    {
        var running = await InsertRunningAsync(NewJob("task:ping"));

        Assert.That(await CompleteAsync(new JobCompletion(running.Id, "worker-2", JobOutcome.Succeeded) { DeleteOnSuccess = true }), Is.False);

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(running));
    }

    [Test]
    public async Task CompleteAsync_Empty_ReturnsNoIds()
    {
        Assert.That(await Store.CompleteAsync([]), Is.Empty);
    }

    [TestCase(JobOutcomeKind.Skipped)]
    [TestCase(JobOutcomeKind.LeaseLost)]
    [TestCase(JobOutcomeKind.NotDue)]
    public async Task CompleteAsync_OutcomeNotWrittenToRows_ThrowsArgumentExceptionAndWritesNothing(JobOutcomeKind kind)
    {
        var running = await InsertRunningAsync();
        var other = await InsertRunningAsync();

        Assert.That(
            async () => await Store.CompleteAsync([new JobCompletion(other.Id, Worker, JobOutcome.Succeeded), new JobCompletion(running.Id, Worker, new JobOutcome(kind, Now))]),
            Throws.InstanceOf<ArgumentException>());

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(running));
        Assert.That(await Store.GetAsync(other.Id), Is.EqualTo(other), "a batch is checked before anything is written");
    }
}
