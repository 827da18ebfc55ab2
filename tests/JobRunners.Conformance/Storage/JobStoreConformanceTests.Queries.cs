using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Reading and listing rows, the outbox's view of queued rows, and pruning.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task GetManyAsync_ExistingAndMissingIds_ReturnsExistingRows()
    {
        var queued = await InsertAsync();
        var running = await InsertRunningAsync();
        var finished = await InsertFinishedAsync(JobOutcomeKind.Failed);
        await InsertAsync();

        var jobs = await Store.GetManyAsync([finished.Id, 987654, queued.Id, running.Id, queued.Id]);

        Assert.That(jobs.Select(j => j.Id), Is.EquivalentTo(new[] { queued.Id, running.Id, finished.Id }));
        Assert.That(jobs.Single(j => j.Id == running.Id), Is.EqualTo(running));
        Assert.That(jobs.Single(j => j.Id == finished.Id), Is.EqualTo(finished));
    }

    [Test]
    public async Task GetManyAsync_NoIds_ReturnsNothing()
    {
        await InsertAsync();

        Assert.That(await Store.GetManyAsync([]), Is.Empty);
        Assert.That(await Store.GetManyAsync([987654]), Is.Empty);
    }

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
        await InsertFinishedAsync(JobOutcomeKind.Failed);

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
        await InsertFinishedAsync(JobOutcomeKind.Succeeded);

        var jobs = await Store.ListQueuedAsync(new QueuedQuery());

        Assert.That(jobs.Select(j => j.Id), Is.EqualTo(new[] { first.Id, second.Id }));
    }

    [Test]
    public async Task ListQueuedAsync_UndispatchedOnly_SkipsDispatchedRows()
    {
        var undispatched = await InsertAsync();
        await InsertAsync(NewJob() with { Dispatched = true });
        var marked = await InsertAsync();
        await Store.MarkDispatchedAsync([new JobDispatchMark(marked.Id, marked.Attempts)], "in-process");

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
    public async Task PruneAsync_FinishedBefore_DeletesOnlyOlderFinishedRows()
    {
        await InsertFinishedAsync(JobOutcomeKind.Succeeded);
        await InsertFinishedAsync(JobOutcomeKind.Failed);
        await InsertFinishedAsync(JobOutcomeKind.Cancelled);
        var queued = await InsertAsync();
        var running = await InsertRunningAsync(NewJob("other"));
        Time.Advance(TimeSpan.FromHours(1));
        var recent = await InsertFinishedAsync(JobOutcomeKind.Succeeded);

        var deleted = await Store.PruneAsync(Now.AddMinutes(-30));

        Assert.That(deleted, Is.EqualTo(3));
        var left = await Store.ListAsync(new JobQuery());
        Assert.That(left.Select(j => j.Id), Is.EquivalentTo(new[] { queued.Id, running.Id, recent.Id }));
    }

    [Test]
    public async Task PruneAsync_JobType_DeletesOnlyThatType()
    {
        await InsertFinishedAsync(JobOutcomeKind.Succeeded, NewJob("report"));
        var kept = await InsertFinishedAsync(JobOutcomeKind.Succeeded, NewJob("invoice"));
        Time.Advance(TimeSpan.FromMinutes(1));

        var deleted = await Store.PruneAsync(Now, "report");

        Assert.That(deleted, Is.EqualTo(1));
        Assert.That((await Store.ListAsync(new JobQuery())).Select(j => j.Id), Is.EqualTo(new[] { kept.Id }));
    }

    [Test]
    public async Task PruneAsync_ExceptJobTypes_KeepsThoseAndDeletesEveryOtherType()
    {
        var ownRetention = await InsertFinishedAsync(JobOutcomeKind.Succeeded, NewJob("report"));
        await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob("task:ping"));
        await InsertFinishedAsync(JobOutcomeKind.Succeeded, NewJob("invoice"));
        Time.Advance(TimeSpan.FromMinutes(1));

        var deleted = await Store.PruneAsync(Now, exceptJobTypes: ["report", "audit"]);

        Assert.That(deleted, Is.EqualTo(2));
        Assert.That((await Store.ListAsync(new JobQuery())).Select(j => j.Id), Is.EqualTo(new[] { ownRetention.Id }));
    }

    [Test]
    public async Task PruneAsync_NothingFinishedBefore_DeletesNothing()
    {
        await InsertFinishedAsync(JobOutcomeKind.Succeeded);

        Assert.That(await Store.PruneAsync(Now), Is.Zero, "finished_at must be strictly before the cutoff");
        Assert.That(await Store.ListAsync(new JobQuery()), Has.Count.EqualTo(1));
    }
}
