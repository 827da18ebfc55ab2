using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>How an attempt ends: each outcome kind, field by field.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task CompleteAsync_Succeeded_FinishesWithFullProgress()
    {
        var running = await InsertRunningAsync();
        await Store.ReportProgressAsync(running.Id, Worker, 30, "working");
        Time.Advance(TimeSpan.FromSeconds(9));

        var written = await Store.CompleteAsync([new JobCompletion(running.Id, Worker, JobOutcome.Succeeded) { ResultMessage = "Sent 3 emails" }]);

        var stored = await GetRequiredAsync(running.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(written, Is.EqualTo(new[] { running.Id }));
            Assert.That(stored.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(stored.Progress, Is.EqualTo(100));
            Assert.That(stored.FinishedAt, Is.EqualTo(Now));
            Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
            Assert.That(stored.ResultMessage, Is.EqualTo("Sent 3 emails"));
            Assert.That(stored.LockedUntil, Is.Null);
            Assert.That(stored.LockedBy, Is.EqualTo(Worker), "locked_by stays as history");
            Assert.That(stored.Attempts, Is.EqualTo(1));
            Assert.That(stored.LastError, Is.Null);
            Assert.That(stored.StartedAt, Is.EqualTo(running.StartedAt));
        }
    }

    [Test]
    public async Task CompleteAsync_SucceededWithoutMessage_KeepsReportedMessage()
    {
        var running = await InsertRunningAsync();
        await Store.ReportProgressAsync(running.Id, Worker, 80, "Imported 80 rows");

        Assert.That(await CompleteAsync(running.Id, JobOutcome.Succeeded), Is.True);

        Assert.That((await GetRequiredAsync(running.Id)).ResultMessage, Is.EqualTo("Imported 80 rows"));
    }

    [Test]
    public async Task CompleteAsync_Failed_RecordsReasonAsErrorAndFinishes()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 3 });
        await Store.ReportProgressAsync(running.Id, Worker, 50, null);
        Time.Advance(TimeSpan.FromSeconds(3));

        var written = await CompleteAsync(new JobCompletion(running.Id, Worker, JobOutcome.Failed("HttpRequestException: 503")) { ResultMessage = "Gave up" });

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
            Assert.That(stored.Attempts, Is.EqualTo(1), "a failure with attempts left is still final");
        }

        Assert.That(await Store.ClaimAsync(ClaimDue(limit: 5)), Is.Empty);
    }

    [Test]
    public async Task CompleteAsync_CancelledWithoutReason_KeepsEarlierError()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 3 });
        Assert.That(await CompleteAsync(running.Id, JobOutcome.Retry(Now, "TimeoutException: first")), Is.True);
        await ClaimAsync(running.Id);
        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.That(await CompleteAsync(running.Id, JobOutcome.Cancelled()), Is.True);

        var stored = await GetRequiredAsync(running.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored.Status, Is.EqualTo(JobStatus.Cancelled));
            Assert.That(stored.LastError, Is.EqualTo("TimeoutException: first"));
            Assert.That(stored.FinishedAt, Is.EqualTo(Now));
            Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
            Assert.That(stored.LockedUntil, Is.Null);
            Assert.That(stored.Attempts, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task CompleteAsync_CancelledWithReason_RecordsError()
    {
        var running = await InsertRunningAsync();

        Assert.That(await CompleteAsync(running.Id, JobOutcome.Cancelled("OperationCanceledException")), Is.True);

        var stored = await GetRequiredAsync(running.Id);
        Assert.That(stored.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(stored.LastError, Is.EqualTo("OperationCanceledException"));
        Assert.That(stored.FinishedAt, Is.EqualTo(Now));
    }

    [Test]
    public async Task CompleteAsync_Retry_RequeuesAtRetryAtAndKeepsAttempt()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 3 });
        Time.Advance(TimeSpan.FromSeconds(1));
        var retryAt = Now.AddSeconds(30);

        var written = await CompleteAsync(running.Id, JobOutcome.Retry(retryAt, "IOException: disk"));

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

        Assert.That(await ClaimOrNullAsync(running.Id), Is.Null, "not due before RetryAt");
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.That((await ClaimAsync(running.Id, "worker-2")).Attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task CompleteAsync_RetryWithoutRetryAt_ThrowsArgumentException()
    {
        var running = await InsertRunningAsync();

        Assert.That(
            async () => await Store.CompleteAsync([new JobCompletion(running.Id, Worker, JobOutcome.Retry(null, "x"))]),
            Throws.InstanceOf<ArgumentException>());
        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(running));
    }

    [Test]
    public async Task CompleteAsync_Released_RequeuesNowWithoutCountingAttempt()
    {
        var running = await InsertRunningAsync(NewJob() with { RunAt = Now });
        await Store.ReportProgressAsync(running.Id, Worker, 10, "started");
        Time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(await CompleteAsync(running.Id, JobOutcome.Released), Is.True);

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
            Assert.That(stored.LastError, Is.Null);
        }

        Assert.That((await ClaimAsync(running.Id, "worker-2")).Attempts, Is.EqualTo(1));
    }

    [TestCase(JobOutcomeKind.Retry, true)]
    [TestCase(JobOutcomeKind.Retry, false)]
    [TestCase(JobOutcomeKind.Released, true)]
    [TestCase(JobOutcomeKind.Released, false)]
    public async Task CompleteAsync_ReturnToOutbox_ClearsDispatchedAtOnlyWhenAsked(JobOutcomeKind kind, bool returnToOutbox)
    {
        var running = await InsertRunningAsync(NewJob() with { Dispatched = true, Runner = "aws-lambda" });
        Assert.That(running.DispatchedAt, Is.Not.Null);
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(await CompleteAsync(new JobCompletion(running.Id, Worker, Outcome(kind)) { ReturnToOutbox = returnToOutbox }), Is.True);

        var stored = await GetRequiredAsync(running.Id);
        Assert.That(stored.DispatchedAt, returnToOutbox ? Is.Null : Is.EqualTo(running.DispatchedAt));
        var undispatched = await Store.ListQueuedAsync(new QueuedQuery { UndispatchedOnly = true });
        Assert.That(undispatched.Select(r => r.Id), returnToOutbox ? Does.Contain(running.Id) : Does.Not.Contain(running.Id));
    }

    [TestCase(JobOutcomeKind.Succeeded)]
    [TestCase(JobOutcomeKind.Failed)]
    [TestCase(JobOutcomeKind.Cancelled)]
    public async Task CompleteAsync_FinalOutcomeWithReturnToOutbox_KeepsDispatchedAt(JobOutcomeKind kind)
    {
        var running = await InsertRunningAsync(NewJob() with { Dispatched = true, Runner = "aws-lambda" });

        Assert.That(await CompleteAsync(new JobCompletion(running.Id, Worker, Outcome(kind)) { ReturnToOutbox = true }), Is.True);

        Assert.That((await GetRequiredAsync(running.Id)).DispatchedAt, Is.EqualTo(running.DispatchedAt));
    }
}
