using JobRunners.Storage;
using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>How an attempt ends.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task FinishAttemptAsync_Succeeded_FinishesWithFullProgress()
    {
        var running = await InsertRunningAsync();
        await Store.ReportProgressAsync(running.Id, Worker, 30, "working");
        Time.Advance(TimeSpan.FromSeconds(9));

        var written = await Store.FinishAttemptAsync(running.Id, Worker, new AttemptResult { Outcome = AttemptOutcome.Succeeded, ResultMessage = "Sent 3 emails" });

        var stored = await GetRequiredAsync(running.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(written, Is.True);
            Assert.That(stored.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(stored.Progress, Is.EqualTo(100));
            Assert.That(stored.FinishedAt, Is.EqualTo(Now));
            Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
            Assert.That(stored.ResultMessage, Is.EqualTo("Sent 3 emails"));
            Assert.That(stored.LockedUntil, Is.Null);
            Assert.That(stored.LockedBy, Is.EqualTo(Worker), "locked_by stays as history");
            Assert.That(stored.Attempts, Is.EqualTo(1));
            Assert.That(stored.LastError, Is.Null);
        }
    }

    [Test]
    public async Task FinishAttemptAsync_SucceededWithoutMessage_KeepsReportedMessage()
    {
        var running = await InsertRunningAsync();
        await Store.ReportProgressAsync(running.Id, Worker, 80, "Imported 80 rows");

        Assert.That(await Store.FinishAttemptAsync(running.Id, Worker, Result(AttemptOutcome.Succeeded)), Is.True);

        Assert.That((await GetRequiredAsync(running.Id)).ResultMessage, Is.EqualTo("Imported 80 rows"));
    }

    [Test]
    public async Task FinishAttemptAsync_Failed_RecordsErrorAndFinishes()
    {
        var running = await InsertRunningAsync();
        await Store.ReportProgressAsync(running.Id, Worker, 50, null);
        Time.Advance(TimeSpan.FromSeconds(3));

        var written = await Store.FinishAttemptAsync(running.Id, Worker, new AttemptResult
        {
            Outcome = AttemptOutcome.Failed,
            Error = "HttpRequestException: 503",
            ResultMessage = "Gave up",
        });

        var stored = await GetRequiredAsync(running.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(written, Is.True);
            Assert.That(stored.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(stored.LastError, Is.EqualTo("HttpRequestException: 503"));
            Assert.That(stored.ResultMessage, Is.EqualTo("Gave up"));
            Assert.That(stored.FinishedAt, Is.EqualTo(Now));
            Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
            Assert.That(stored.LockedUntil, Is.Null);
            Assert.That(stored.Progress, Is.EqualTo(50));
        }
    }

    [Test]
    public async Task FinishAttemptAsync_CancelledWithoutError_KeepsEarlierError()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 3 });
        await Store.FinishAttemptAsync(running.Id, Worker, new AttemptResult { Outcome = AttemptOutcome.Retry, Error = "TimeoutException: first", RetryAt = Now });
        await ClaimAsync(running.Id);
        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.That(await Store.FinishAttemptAsync(running.Id, Worker, new AttemptResult { Outcome = AttemptOutcome.Cancelled }), Is.True);

        var stored = await GetRequiredAsync(running.Id);
        Assert.That(stored.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(stored.LastError, Is.EqualTo("TimeoutException: first"));
        Assert.That(stored.FinishedAt, Is.EqualTo(Now));
        Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
    }

    [Test]
    public async Task FinishAttemptAsync_CancelledWithError_RecordsError()
    {
        var running = await InsertRunningAsync();

        Assert.That(await Store.FinishAttemptAsync(running.Id, Worker, new AttemptResult { Outcome = AttemptOutcome.Cancelled, Error = "OperationCanceledException" }), Is.True);

        var stored = await GetRequiredAsync(running.Id);
        Assert.That(stored.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(stored.LastError, Is.EqualTo("OperationCanceledException"));
    }

    [Test]
    public async Task FinishAttemptAsync_Retry_RequeuesAtRetryAtAndKeepsAttempt()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 3 });
        Time.Advance(TimeSpan.FromSeconds(1));
        var retryAt = Now.AddSeconds(30);

        var written = await Store.FinishAttemptAsync(running.Id, Worker, new AttemptResult { Outcome = AttemptOutcome.Retry, Error = "IOException: disk", RetryAt = retryAt });

        var stored = await GetRequiredAsync(running.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(written, Is.True);
            Assert.That(stored.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(stored.RunAt, Is.EqualTo(retryAt));
            Assert.That(stored.LastError, Is.EqualTo("IOException: disk"));
            Assert.That(stored.LockedBy, Is.Null);
            Assert.That(stored.LockedUntil, Is.Null);
            Assert.That(stored.Attempts, Is.EqualTo(1));
            Assert.That(stored.FinishedAt, Is.Null);
            Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
        }

        Assert.That((await Store.TryClaimAsync(running.Id, new JobClaim(Worker, Lease))).Status, Is.EqualTo(ClaimStatus.NotDue));
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.That((await ClaimAsync(running.Id, "worker-2")).Attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task FinishAttemptAsync_RetryWithoutRetryAt_ThrowsArgumentException()
    {
        var running = await InsertRunningAsync();

        Assert.That(
            async () => await Store.FinishAttemptAsync(running.Id, Worker, new AttemptResult { Outcome = AttemptOutcome.Retry, Error = "x" }),
            Throws.InstanceOf<ArgumentException>());
        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(running));
    }

    [Test]
    public async Task FinishAttemptAsync_Released_RequeuesNowWithoutCountingAttempt()
    {
        var running = await InsertRunningAsync(NewJob() with { RunAt = Now });
        Time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(await Store.FinishAttemptAsync(running.Id, Worker, new AttemptResult { Outcome = AttemptOutcome.Released }), Is.True);

        var stored = await GetRequiredAsync(running.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(stored.Attempts, Is.Zero);
            Assert.That(stored.RunAt, Is.EqualTo(Now));
            Assert.That(stored.LockedBy, Is.Null);
            Assert.That(stored.LockedUntil, Is.Null);
            Assert.That(stored.FinishedAt, Is.Null);
            Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
        }

        Assert.That((await ClaimAsync(running.Id, "worker-2")).Attempts, Is.EqualTo(1));
    }

    [TestCase(AttemptOutcome.Retry, true)]
    [TestCase(AttemptOutcome.Retry, false)]
    [TestCase(AttemptOutcome.Released, true)]
    [TestCase(AttemptOutcome.Released, false)]
    public async Task FinishAttemptAsync_ReturnToOutbox_ClearsDispatchedAtOnlyWhenAsked(AttemptOutcome outcome, bool returnToOutbox)
    {
        var running = await InsertRunningAsync(NewJob() with { Dispatched = true, Runner = "aws-lambda" });
        Assert.That(running.DispatchedAt, Is.Not.Null);
        Time.Advance(TimeSpan.FromSeconds(1));

        var result = Result(outcome) with { ReturnToOutbox = returnToOutbox };
        Assert.That(await Store.FinishAttemptAsync(running.Id, Worker, result), Is.True);

        var stored = await GetRequiredAsync(running.Id);
        Assert.That(stored.DispatchedAt, returnToOutbox ? Is.Null : Is.EqualTo(running.DispatchedAt));
        var undispatched = await Store.ListQueuedAsync(new QueuedQuery { UndispatchedOnly = true });
        Assert.That(undispatched.Select(r => r.Id), returnToOutbox ? Does.Contain(running.Id) : Does.Not.Contain(running.Id));
    }

    [TestCase(AttemptOutcome.Succeeded)]
    [TestCase(AttemptOutcome.Failed)]
    [TestCase(AttemptOutcome.Cancelled)]
    [TestCase(AttemptOutcome.Retry)]
    [TestCase(AttemptOutcome.Released)]
    public async Task FinishAttemptAsync_OtherWorker_ReturnsFalseAndLeavesRow(AttemptOutcome outcome)
    {
        var running = await InsertRunningAsync();
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(await Store.FinishAttemptAsync(running.Id, "worker-2", Result(outcome)), Is.False);

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(running));
    }

    [Test]
    public async Task FinishAttemptAsync_CalledTwice_SecondReturnsFalse()
    {
        var running = await InsertRunningAsync();
        Assert.That(await Store.FinishAttemptAsync(running.Id, Worker, Result(AttemptOutcome.Failed)), Is.True);

        Assert.That(await Store.FinishAttemptAsync(running.Id, Worker, Result(AttemptOutcome.Succeeded)), Is.False);

        Assert.That((await GetRequiredAsync(running.Id)).Status, Is.EqualTo(JobStatus.Failed));
    }

    [Test]
    public async Task FinishAttemptAsync_MissingRow_ReturnsFalse()
    {
        Assert.That(await Store.FinishAttemptAsync(987654, Worker, Result(AttemptOutcome.Succeeded)), Is.False);
    }
}
