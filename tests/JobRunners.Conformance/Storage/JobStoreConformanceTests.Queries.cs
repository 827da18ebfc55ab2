using JobRunners.Storage;
using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Listing rows, the outbox's view of queued rows, dispatch bookkeeping and pruning.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task ListAsync_NoFilter_ReturnsNewestFirst()
    {
        var first = await InsertAsync();
        var second = await InsertAsync();
        var third = await InsertAsync();

        var jobs = await Store.ListAsync(new JobQuery());

        Assert.That(jobs.Select(j => j.Id), Is.EqualTo(new[] { third.Id, second.Id, first.Id }));
    }

    [Test]
    public async Task ListAsync_StatusFilter_ReturnsOnlyThatStatus()
    {
        await InsertAsync();
        var running = await InsertRunningAsync();
        await InsertFinishedAsync(AttemptOutcome.Failed);

        var jobs = await Store.ListAsync(new JobQuery { Status = JobStatus.Running });

        Assert.That(jobs.Select(j => j.Id), Is.EqualTo(new[] { running.Id }));
    }

    [Test]
    public async Task ListAsync_JobTypeAndQueueFilters_Combine()
    {
        var wanted = await InsertAsync(NewJob("resize") with { QueueName = "media" });
        await InsertAsync(NewJob("resize") with { QueueName = "bulk" });
        await InsertAsync(NewJob("thumbnail") with { QueueName = "media" });

        var byType = await Store.ListAsync(new JobQuery { JobType = "resize" });
        var byBoth = await Store.ListAsync(new JobQuery { JobType = "resize", QueueName = "media" });

        Assert.That(byType, Has.Count.EqualTo(2));
        Assert.That(byBoth.Select(j => j.Id), Is.EqualTo(new[] { wanted.Id }));
    }

    [Test]
    public async Task ListAsync_BeforeIdAndLimit_PagesNewestFirst()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await InsertAsync()).Id);
        }

        var page1 = await Store.ListAsync(new JobQuery { Limit = 2 });
        var page2 = await Store.ListAsync(new JobQuery { Limit = 2, BeforeId = page1[^1].Id });
        var page3 = await Store.ListAsync(new JobQuery { Limit = 2, BeforeId = page2[^1].Id });

        Assert.That(page1.Select(j => j.Id), Is.EqualTo(new[] { ids[4], ids[3] }));
        Assert.That(page2.Select(j => j.Id), Is.EqualTo(new[] { ids[2], ids[1] }));
        Assert.That(page3.Select(j => j.Id), Is.EqualTo(new[] { ids[0] }));
    }

    [Test]
    public async Task ListQueuedAsync_NoFilter_ReturnsQueuedRowsOldestFirst()
    {
        var first = await InsertAsync();
        await InsertRunningAsync();
        var second = await InsertAsync(NewJob() with { RunAt = Now.AddHours(1) });
        await InsertFinishedAsync(AttemptOutcome.Succeeded);

        var jobs = await Store.ListQueuedAsync(new QueuedQuery());

        Assert.That(jobs.Select(j => j.Id), Is.EqualTo(new[] { first.Id, second.Id }));
    }

    [Test]
    public async Task ListQueuedAsync_UndispatchedOnly_SkipsDispatchedRows()
    {
        var undispatched = await InsertAsync();
        await InsertAsync(NewJob() with { Dispatched = true });
        var marked = await InsertAsync();
        await Store.MarkDispatchedAsync(marked.Id, "in-process");

        var jobs = await Store.ListQueuedAsync(new QueuedQuery { UndispatchedOnly = true });

        Assert.That(jobs.Select(j => j.Id), Is.EqualTo(new[] { undispatched.Id }));
    }

    [Test]
    public async Task ListQueuedAsync_CreatedBefore_SkipsNewerRows()
    {
        var older = await InsertAsync();
        var cutoff = Now.AddSeconds(5);
        Time.Advance(TimeSpan.FromSeconds(10));
        await InsertAsync();

        var jobs = await Store.ListQueuedAsync(new QueuedQuery { CreatedBefore = cutoff });
        var none = await Store.ListQueuedAsync(new QueuedQuery { CreatedBefore = older.CreatedAt });

        Assert.That(jobs.Select(j => j.Id), Is.EqualTo(new[] { older.Id }));
        Assert.That(none, Is.Empty, "CreatedBefore is exclusive");
    }

    [Test]
    public async Task ListQueuedAsync_Runner_ReturnsOnlyThatRunnersRows()
    {
        var sqs = await InsertAsync(NewJob() with { Runner = "aws-sqs" });
        await InsertAsync(NewJob() with { Runner = "in-process" });
        await InsertAsync();

        var jobs = await Store.ListQueuedAsync(new QueuedQuery { Runner = "aws-sqs" });

        Assert.That(jobs.Select(j => j.Id), Is.EqualTo(new[] { sqs.Id }));
    }

    [Test]
    public async Task ListQueuedAsync_DueBy_SkipsLaterRows()
    {
        var due = await InsertAsync();
        var later = await InsertAsync(NewJob() with { RunAt = Now.AddHours(1) });

        var dueNow = await Store.ListQueuedAsync(new QueuedQuery { DueBy = Now });
        var dueInAnHour = await Store.ListQueuedAsync(new QueuedQuery { DueBy = Now.AddHours(1) });

        Assert.That(dueNow.Select(j => j.Id), Is.EqualTo(new[] { due.Id }));
        Assert.That(dueInAnHour.Select(j => j.Id), Is.EqualTo(new[] { due.Id, later.Id }), "DueBy is inclusive");
    }

    [Test]
    public async Task ListQueuedAsync_AfterIdAndLimit_PagesOldestFirst()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await InsertAsync()).Id);
        }

        var page1 = await Store.ListQueuedAsync(new QueuedQuery { Limit = 2 });
        var page2 = await Store.ListQueuedAsync(new QueuedQuery { Limit = 2, AfterId = page1[^1].Id });
        var page3 = await Store.ListQueuedAsync(new QueuedQuery { Limit = 2, AfterId = page2[^1].Id });

        Assert.That(page1.Select(j => j.Id), Is.EqualTo(new[] { ids[0], ids[1] }));
        Assert.That(page2.Select(j => j.Id), Is.EqualTo(new[] { ids[2], ids[3] }));
        Assert.That(page3.Select(j => j.Id), Is.EqualTo(new[] { ids[4] }));
    }

    [Test]
    public async Task MarkDispatchedAsync_RowRetriedSinceSent_LeavesItForTheOutbox()
    {
        var sent = await InsertAsync();
        await ClaimAsync(sent.Id);
        await Store.FinishAttemptAsync(sent.Id, Worker, new AttemptResult { Outcome = AttemptOutcome.Retry, Error = "x", RetryAt = Now, ReturnToOutbox = true });

        await Store.MarkDispatchedAsync(sent.Id, "aws-lambda", sentAtAttempts: sent.Attempts);

        Assert.That((await GetRequiredAsync(sent.Id)).DispatchedAt, Is.Null, "the late mark must not hide the retry");
        await Store.MarkDispatchedAsync(sent.Id, "aws-lambda", sentAtAttempts: 1);
        Assert.That((await GetRequiredAsync(sent.Id)).DispatchedAt, Is.EqualTo(Now), "a re-send of the retried row is marked");
    }

    [Test]
    public async Task MarkDispatchedAsync_RowRunningSinceSent_MarksIt()
    {
        var sent = await InsertAsync();
        await ClaimAsync(sent.Id);

        await Store.MarkDispatchedAsync(sent.Id, "aws-sqs", sentAtAttempts: sent.Attempts);

        Assert.That((await GetRequiredAsync(sent.Id)).DispatchedAt, Is.EqualTo(Now));
    }

    [Test]
    public async Task MarkDispatchedAsync_QueuedRow_SetsDispatchedAtAndRunner()
    {
        var job = await InsertAsync();
        Time.Advance(TimeSpan.FromSeconds(2));

        await Store.MarkDispatchedAsync(job.Id, "azure-queue");

        var stored = await GetRequiredAsync(job.Id);
        Assert.That(stored.DispatchedAt, Is.EqualTo(Now));
        Assert.That(stored.Runner, Is.EqualTo("azure-queue"));
        Assert.That(stored.Status, Is.EqualTo(JobStatus.Queued));
    }

    [Test]
    public async Task PruneAsync_FinishedBefore_DeletesOnlyOlderFinishedRows()
    {
        await InsertFinishedAsync(AttemptOutcome.Succeeded);
        await InsertFinishedAsync(AttemptOutcome.Failed);
        await InsertFinishedAsync(AttemptOutcome.Cancelled);
        var queued = await InsertAsync();
        var running = await InsertRunningAsync(NewJob("other"));
        Time.Advance(TimeSpan.FromHours(1));
        var recent = await InsertFinishedAsync(AttemptOutcome.Succeeded);

        var deleted = await Store.PruneAsync(Now.AddMinutes(-30));

        Assert.That(deleted, Is.EqualTo(3));
        var left = await Store.ListAsync(new JobQuery());
        Assert.That(left.Select(j => j.Id), Is.EquivalentTo(new[] { queued.Id, running.Id, recent.Id }));
    }

    [Test]
    public async Task PruneAsync_JobType_DeletesOnlyThatType()
    {
        await InsertFinishedAsync(AttemptOutcome.Succeeded, NewJob("report"));
        var kept = await InsertFinishedAsync(AttemptOutcome.Succeeded, NewJob("invoice"));
        Time.Advance(TimeSpan.FromMinutes(1));

        var deleted = await Store.PruneAsync(Now, "report");

        Assert.That(deleted, Is.EqualTo(1));
        Assert.That((await Store.ListAsync(new JobQuery())).Select(j => j.Id), Is.EqualTo(new[] { kept.Id }));
    }

    [Test]
    public async Task PruneAsync_ExceptJobTypes_KeepsThoseAndDeletesEveryOtherType()
    {
        var ownRetention = await InsertFinishedAsync(AttemptOutcome.Succeeded, NewJob("report"));
        await InsertFinishedAsync(AttemptOutcome.Failed, NewJob("task:ping"));
        await InsertFinishedAsync(AttemptOutcome.Succeeded, NewJob("invoice"));
        Time.Advance(TimeSpan.FromMinutes(1));

        var deleted = await Store.PruneAsync(Now, exceptJobTypes: ["report", "audit"]);

        Assert.That(deleted, Is.EqualTo(2));
        Assert.That((await Store.ListAsync(new JobQuery())).Select(j => j.Id), Is.EqualTo(new[] { ownRetention.Id }));
    }

    [Test]
    public async Task PruneAsync_NothingFinishedBefore_DeletesNothing()
    {
        await InsertFinishedAsync(AttemptOutcome.Succeeded);

        Assert.That(await Store.PruneAsync(Now), Is.Zero, "finished_at must be strictly before the cutoff");
        Assert.That(await Store.ListAsync(new JobQuery()), Has.Count.EqualTo(1));
    }
}
