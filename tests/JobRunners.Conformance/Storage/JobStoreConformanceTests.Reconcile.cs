using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>What maintenance reads and changes so no accepted job is stranded: rescue in place, the outbox, the reconciler's filters.</content>
public abstract partial class JobStoreConformanceTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Finding06_RescuedRowBehindABacklog_KeepsRunAtAndPriorityAndIsClaimedFirst()
    {
        var killed = await InsertRunningAsync(NewJob() with { MaxAttempts = 3, Priority = 5 });
        Time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 5; i++)
        {
            await InsertAsync(NewJob() with { Priority = 5 });
        }

        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var sweep = await Store.SweepAsync(new SweepRequest { UndispatchedBefore = Now - Grace });

        var rescued = sweep.Rescued.Single();
        Assert.That((rescued.Id, rescued.RunAt, rescued.Priority), Is.EqualTo((killed.Id, killed.RunAt, 5)));
        var next = await Store.ClaimAsync(ClaimDue(worker: "worker-2"));
        Assert.That(next.Single().Id, Is.EqualTo(killed.Id), "the rescued attempt goes before the rows queued after it");
    }

    [Test]
    public async Task RescueExpiredLeasesAsync_RowClaimedBeforeItWasDue_RequeuedToRunNow()
    {
        var job = await InsertAsync(NewJob() with { MaxAttempts = 2, RunAt = Now.AddHours(1) });
        var claimed = await Store.ClaimAsync(ClaimById(job.Id) with { IgnoreRunAt = true });
        Assert.That(claimed, Has.Count.EqualTo(1));
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        var rescued = await Store.RescueExpiredLeasesAsync();

        Assert.That(rescued.Single().RunAt, Is.EqualTo(Now), "a rescued attempt is never pushed into the future");
    }

    [Test]
    public async Task Finding10_RetryHandedBackToOutbox_ListedBySweepAsSoonAsDue()
    {
        var job = await InsertRunningAsync(NewJob() with { MaxAttempts = 3, Dispatched = true, Runner = "aws-lambda" });
        var retryAt = Now.AddSeconds(2);
        await CompleteAsync(new JobCompletion(job.Id, Worker, JobOutcome.Retry(retryAt, "x")) { ReturnToOutbox = true });

        var early = await Store.SweepAsync(new SweepRequest { UndispatchedBefore = Now - Grace });
        Time.Advance(TimeSpan.FromSeconds(2));
        var due = await Store.SweepAsync(new SweepRequest { UndispatchedBefore = Now - Grace });

        Assert.That(early.Undispatched, Is.Empty, "not due yet");
        Assert.That(due.Undispatched.Select(j => j.Id), Is.EqualTo(new[] { job.Id }), "due, although written less than the grace ago");
    }

    [Test]
    public async Task SweepAsync_NeverSentRowWithinGrace_WaitsForTheGrace()
    {
        var job = await InsertAsync();
        Time.Advance(TimeSpan.FromSeconds(1));

        var within = await Store.SweepAsync(new SweepRequest { UndispatchedBefore = Now - Grace });
        Time.Advance(Grace);
        var after = await Store.SweepAsync(new SweepRequest { UndispatchedBefore = Now - Grace });

        Assert.That(within.Undispatched, Is.Empty, "a dispatch may still be marking it");
        Assert.That(after.Undispatched.Select(j => j.Id), Is.EqualTo(new[] { job.Id }));
    }

    [Test]
    public async Task SweepAsync_NoUndispatchedBefore_ListsNone()
    {
        var job = await InsertRunningAsync(NewJob() with { MaxAttempts = 3 });
        await CompleteAsync(new JobCompletion(job.Id, Worker, JobOutcome.Retry(Now, "x")) { ReturnToOutbox = true });
        Time.Advance(TimeSpan.FromHours(1));

        var sweep = await Store.SweepAsync(new SweepRequest());

        Assert.That(sweep.Undispatched, Is.Empty);
    }

    [Test]
    public async Task ListQueuedAsync_NotRunnerAndDispatchedOnly_ListsRowsOtherRunnersAccepted()
    {
        await InsertAsync(NewJob() with { Runner = "postgres", Dispatched = true });
        var sqs = await InsertAsync(NewJob() with { Runner = "aws-sqs", Dispatched = true });
        await InsertAsync(NewJob() with { Runner = "azure-queue" });
        var delayed = await InsertAsync(NewJob("report") with { Runner = "aws-sqs", Dispatched = true, RunAt = Now.AddMinutes(5) });

        var all = await Store.ListQueuedAsync(new QueuedQuery { NotRunner = "postgres", DispatchedOnly = true });
        var due = await Store.ListQueuedAsync(new QueuedQuery { NotRunner = "postgres", DispatchedOnly = true, DueBy = Now });
        var ofType = await Store.ListQueuedAsync(new QueuedQuery { NotRunner = "postgres", JobTypes = ["report"] });

        Assert.That(all.Select(j => j.Id), Is.EqualTo(new[] { sqs.Id, delayed.Id }));
        Assert.That(due.Select(j => j.Id), Is.EqualTo(new[] { sqs.Id }));
        Assert.That(ofType.Select(j => j.Id), Is.EqualTo(new[] { delayed.Id }));
    }

    [Test]
    public async Task ListQueuedAsync_UnclaimedSince_ListsRowsSentAndDueAtOrBeforeIt()
    {
        var lost = await InsertAsync(NewJob() with { Runner = "aws-sqs", Dispatched = true });
        var retrying = await InsertAsync(NewJob() with { Runner = "aws-sqs", Dispatched = true, RunAt = Now.AddMinutes(10) });
        Time.Advance(TimeSpan.FromMinutes(5));
        var recent = await InsertAsync(NewJob() with { Runner = "aws-sqs", Dispatched = true });
        await InsertAsync(NewJob() with { Runner = "aws-sqs" });

        var window = TimeSpan.FromMinutes(5);
        var atFive = await Store.ListQueuedAsync(new QueuedQuery { Runner = "aws-sqs", UnclaimedSince = Now - window });
        Time.Advance(TimeSpan.FromMinutes(10));
        var atFifteen = await Store.ListQueuedAsync(new QueuedQuery { Runner = "aws-sqs", UnclaimedSince = Now - window });

        Assert.That(atFive.Select(j => j.Id), Is.EqualTo(new[] { lost.Id }));
        Assert.That(atFifteen.Select(j => j.Id), Is.EqualTo(new[] { lost.Id, retrying.Id, recent.Id }));
    }

    [Test]
    public async Task ListQueuedAsync_DispatchedBeforeDue_ListsRowsMarkedBeforeTheirRunAt()
    {
        var early = await InsertAsync(NewJob() with { Runner = "aws-lambda", Dispatched = true, RunAt = Now.AddSeconds(30) });
        await InsertAsync(NewJob() with { Runner = "aws-lambda", Dispatched = true });
        await InsertAsync(NewJob() with { Runner = "aws-lambda", RunAt = Now.AddSeconds(30) });

        var listed = await Store.ListQueuedAsync(new QueuedQuery { DispatchedBeforeDue = true });

        Assert.That(listed.Select(j => j.Id), Is.EqualTo(new[] { early.Id }));
    }
}
