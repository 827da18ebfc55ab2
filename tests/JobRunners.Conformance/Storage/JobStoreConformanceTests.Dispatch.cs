using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Dispatch bookkeeping: which rows the backend accepted, and late marks that must not hide a retry.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task MarkDispatchedAsync_QueuedRow_SetsDispatchedAtAndRunner()
    {
        var job = await InsertAsync();
        Time.Advance(TimeSpan.FromSeconds(2));

        await Store.MarkDispatchedAsync([new JobDispatchMark(job.Id, job.Attempts)], "azure-queue");

        var stored = await GetRequiredAsync(job.Id);
        Assert.That(stored.DispatchedAt, Is.EqualTo(Now));
        Assert.That(stored.Runner, Is.EqualTo("azure-queue"));
        Assert.That(stored.Status, Is.EqualTo(JobStatus.Queued));
        Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
    }

    [Test]
    public async Task MarkDispatchedAsync_SeveralRows_MarksEachAndLeavesOthers()
    {
        var first = await InsertAsync();
        var other = await InsertAsync();
        var second = await InsertAsync();
        Time.Advance(TimeSpan.FromSeconds(2));

        await Store.MarkDispatchedAsync([new JobDispatchMark(first.Id, 0), new JobDispatchMark(second.Id, 0), new JobDispatchMark(987654, 0)], "aws-sqs");

        var undispatched = await Store.ListQueuedAsync(new QueuedQuery { UndispatchedOnly = true });
        Assert.That(undispatched.Select(j => j.Id), Is.EqualTo(new[] { other.Id }));
        Assert.That((await GetRequiredAsync(first.Id)).DispatchedAt, Is.EqualTo(Now));
        Assert.That((await GetRequiredAsync(second.Id)).Runner, Is.EqualTo("aws-sqs"));
    }

    [Test]
    public async Task MarkDispatchedAsync_RowRetriedSinceSent_LeavesItForTheOutbox()
    {
        var sent = await InsertAsync();
        await ClaimAsync(sent.Id);
        await CompleteAsync(new JobCompletion(sent.Id, Worker, JobOutcome.Retry(Now, "x")) { ReturnToOutbox = true });

        await Store.MarkDispatchedAsync([new JobDispatchMark(sent.Id, sent.Attempts)], "aws-lambda");

        Assert.That((await GetRequiredAsync(sent.Id)).DispatchedAt, Is.Null, "the late mark must not hide the retry");
        await Store.MarkDispatchedAsync([new JobDispatchMark(sent.Id, 1)], "aws-lambda");
        Assert.That((await GetRequiredAsync(sent.Id)).DispatchedAt, Is.EqualTo(Now), "a re-send of the retried row is marked");
    }

    [Test]
    public async Task MarkDispatchedAsync_RowRescuedSinceSent_LeavesItForTheOutbox()
    {
        var sent = await InsertAsync(NewJob() with { MaxAttempts = 2 });
        await ClaimAsync(sent.Id);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.That(await Store.RescueExpiredLeasesAsync(), Has.Count.EqualTo(1));

        await Store.MarkDispatchedAsync([new JobDispatchMark(sent.Id, sent.Attempts)], "aws-sqs");

        var stored = await GetRequiredAsync(sent.Id);
        Assert.That(stored.DispatchedAt, Is.Null);
        Assert.That(await Store.ListQueuedAsync(new QueuedQuery { UndispatchedOnly = true }), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task MarkDispatchedAsync_StaleAndCurrentMarksInOneCall_MarksOnlyCurrent()
    {
        var retried = await InsertAsync(NewJob() with { MaxAttempts = 3 });
        await ClaimAsync(retried.Id);
        await CompleteAsync(new JobCompletion(retried.Id, Worker, JobOutcome.Retry(Now, "x")) { ReturnToOutbox = true });
        var fresh = await InsertAsync();

        await Store.MarkDispatchedAsync([new JobDispatchMark(retried.Id, 0), new JobDispatchMark(fresh.Id, 0)], "aws-lambda");

        Assert.That((await GetRequiredAsync(retried.Id)).DispatchedAt, Is.Null);
        Assert.That((await GetRequiredAsync(fresh.Id)).DispatchedAt, Is.EqualTo(Now));
    }

    [Test]
    public async Task MarkDispatchedAsync_RowRunningSinceSent_MarksIt()
    {
        var sent = await InsertAsync();
        await ClaimAsync(sent.Id);

        await Store.MarkDispatchedAsync([new JobDispatchMark(sent.Id, sent.Attempts)], "aws-sqs");

        Assert.That((await GetRequiredAsync(sent.Id)).DispatchedAt, Is.EqualTo(Now));
    }

    [Test]
    public async Task MarkDispatchedAsync_NoMarks_ChangesNothing()
    {
        var job = await InsertAsync();

        await Store.MarkDispatchedAsync([], "aws-sqs");

        Assert.That(await Store.GetAsync(job.Id), Is.EqualTo(job));
    }
}
