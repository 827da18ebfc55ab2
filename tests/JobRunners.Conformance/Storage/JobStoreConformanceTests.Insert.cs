using System.Text.Json.Nodes;
using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Writing rows and deduplicating by unique key.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task InsertAsync_NewJob_WritesQueuedRowStampedNow()
    {
        Time.Advance(TimeSpan.FromSeconds(5));

        var result = await Store.InsertAsync(NewJob());

        var job = result.Job;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Created, Is.True);
            Assert.That(job.Id, Is.GreaterThan(0));
            Assert.That(job.JobType, Is.EqualTo("send-email"));
            Assert.That(job.QueueName, Is.EqualTo("send-email"));
            Assert.That(job.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(job.Progress, Is.Zero);
            Assert.That(job.Attempts, Is.Zero);
            Assert.That(job.MaxAttempts, Is.EqualTo(1));
            Assert.That(job.Priority, Is.Zero);
            Assert.That(job.RunAt, Is.EqualTo(Now));
            Assert.That(job.CreatedAt, Is.EqualTo(Now));
            Assert.That(job.UpdatedAt, Is.EqualTo(Now));
            Assert.That(job.CreatedAt.Offset, Is.EqualTo(TimeSpan.Zero));
            Assert.That(job.Assigned, Is.False);
            Assert.That(job.LocksQueue, Is.False);
            Assert.That(job.UniqueKey, Is.Null);
            Assert.That(job.LockedBy, Is.Null);
            Assert.That(job.LockedUntil, Is.Null);
            Assert.That(job.Runner, Is.Null);
            Assert.That(job.DispatchedAt, Is.Null);
            Assert.That(job.StartedAt, Is.Null);
            Assert.That(job.FinishedAt, Is.Null);
            Assert.That(job.ResultMessage, Is.Null);
            Assert.That(job.LastError, Is.Null);
            Assert.That(await Store.GetAsync(job.Id), Is.EqualTo(job));
        }
    }

    [Test]
    public async Task InsertAsync_AllOptions_RoundTrip()
    {
        var runAt = Now.AddMinutes(10);

        var job = await InsertAsync(new NewJobRequest
        {
            JobType = "resize-image",
            QueueName = "media",
            Payload = """{"width":640}""",
            MaxAttempts = 3,
            Priority = 7,
            RunAt = runAt,
            UniqueKey = "image-42",
            LocksQueue = true,
            Runner = "in-process",
        });

        var stored = await GetRequiredAsync(job.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored, Is.EqualTo(job));
            Assert.That(stored.JobType, Is.EqualTo("resize-image"));
            Assert.That(stored.QueueName, Is.EqualTo("media"));
            Assert.That(stored.MaxAttempts, Is.EqualTo(3));
            Assert.That(stored.Priority, Is.EqualTo(7));
            Assert.That(stored.RunAt, Is.EqualTo(runAt));
            Assert.That(stored.UniqueKey, Is.EqualTo("image-42"));
            Assert.That(stored.LocksQueue, Is.True);
            Assert.That(stored.Runner, Is.EqualTo("in-process"));
            Assert.That(stored.DispatchedAt, Is.Null);
        }
    }

    [Test]
    public async Task InsertAsync_RunAtWithOffset_StoresSameInstantInUtc()
    {
        var runAt = new DateTimeOffset(2025, 1, 1, 15, 30, 0, TimeSpan.FromHours(2));

        var job = await InsertAsync(NewJob() with { RunAt = runAt });

        var stored = await GetRequiredAsync(job.Id);
        Assert.That(stored.RunAt, Is.EqualTo(runAt));
        Assert.That(stored.RunAt.Offset, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task InsertAsync_Payload_RoundTripsAsEquivalentJson()
    {
        const string payload = """{"name":"Zoë ✓","tags":["a","b"],"size":{"w":1.5,"h":2},"empty":null,"ok":true}""";

        var job = await InsertAsync(NewJob() with { Payload = payload });

        var stored = await GetRequiredAsync(job.Id);
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(stored.Payload), JsonNode.Parse(payload)), Is.True, stored.Payload);
    }

    [Test]
    public async Task InsertAsync_Dispatched_SetsDispatchedAtToNow()
    {
        Time.Advance(TimeSpan.FromSeconds(3));

        var job = await InsertAsync(NewJob() with { Dispatched = true, Runner = "sync" });

        var stored = await GetRequiredAsync(job.Id);
        Assert.That(stored.DispatchedAt, Is.EqualTo(Now));
        Assert.That(stored.Runner, Is.EqualTo("sync"));
    }

    [Test]
    public async Task InsertAsync_Ids_Increase()
    {
        var first = await InsertAsync();
        var second = await InsertAsync();

        Assert.That(second.Id, Is.GreaterThan(first.Id));
    }

    [Test]
    public async Task InsertAsync_SameUniqueKeyWhileQueued_ReturnsExistingRowUncreated()
    {
        var first = await InsertAsync(NewJob() with { UniqueKey = "report-7" });

        var second = await Store.InsertAsync(NewJob() with { UniqueKey = "report-7", Payload = """{"to":"other@example.com"}""", Priority = 9 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.Created, Is.False);
            Assert.That(second.Job, Is.EqualTo(first));
            Assert.That(await Store.ListAsync(new JobQuery()), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task InsertAsync_SameUniqueKeyWhileRunning_ReturnsExistingRowUncreated()
    {
        var running = await InsertRunningAsync(NewJob() with { UniqueKey = "report-7" });

        var second = await Store.InsertAsync(NewJob() with { UniqueKey = "report-7" });

        Assert.That(second.Created, Is.False);
        Assert.That(second.Job, Is.EqualTo(running));
    }

    [TestCase(JobOutcomeKind.Succeeded)]
    [TestCase(JobOutcomeKind.Failed)]
    [TestCase(JobOutcomeKind.Cancelled)]
    public async Task InsertAsync_SameUniqueKeyAfterFinished_CreatesNewRow(JobOutcomeKind kind)
    {
        var finished = await InsertFinishedAsync(kind, NewJob() with { UniqueKey = "report-7" });

        var second = await Store.InsertAsync(NewJob() with { UniqueKey = "report-7" });

        Assert.That(second.Created, Is.True);
        Assert.That(second.Job.Id, Is.Not.EqualTo(finished.Id));
        Assert.That(second.Job.Status, Is.EqualTo(JobStatus.Queued));
    }

    [Test]
    public async Task InsertAsync_SameUniqueKeyAfterCancelWhileQueued_CreatesNewRow()
    {
        var first = await InsertAsync(NewJob() with { UniqueKey = "report-7" });
        Assert.That(await Store.CancelAsync(first.Id), Is.True);

        var second = await Store.InsertAsync(NewJob() with { UniqueKey = "report-7" });

        Assert.That(second.Created, Is.True);
    }

    [Test]
    public async Task InsertAsync_DifferentOrNoUniqueKeys_CreatesEveryRow()
    {
        var results = new[]
        {
            await Store.InsertAsync(NewJob()),
            await Store.InsertAsync(NewJob()),
            await Store.InsertAsync(NewJob() with { UniqueKey = "a" }),
            await Store.InsertAsync(NewJob() with { UniqueKey = "b" }),
        };

        Assert.That(results.Select(r => r.Created), Is.All.True);
        Assert.That(results.Select(r => r.Job.Id).Distinct().Count(), Is.EqualTo(4));
    }

    [Test]
    public async Task InsertAsync_ConcurrentSameUniqueKey_CreatesExactlyOneRow()
    {
        var results = await RunConcurrentlyAsync(8, i => Store.InsertAsync(NewJob() with { UniqueKey = "once", Priority = i }));

        Assert.That(results.Count(r => r.Created), Is.EqualTo(1));
        Assert.That(results.Select(r => r.Job.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(await Store.ListAsync(new JobQuery()), Has.Count.EqualTo(1));
    }

    [Test]
    public void InsertAsync_NullJob_ThrowsArgumentNullException()
    {
        Assert.That(async () => await Store.InsertAsync(null!), Throws.ArgumentNullException);
    }
}
