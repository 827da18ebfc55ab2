using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Writing many rows in one batch.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task InsertManyAsync_Rows_ReturnsResultsInInputOrder()
    {
        Time.Advance(TimeSpan.FromSeconds(4));
        var runAt = Now.AddMinutes(10);
        var jobs = new[]
        {
            NewJob("resize-image") with { QueueName = "media", Payload = """{"width":640}""", MaxAttempts = 3, Priority = 7, RunAt = runAt, UniqueKey = "image-42", LocksQueue = true, Runner = "in-process" },
            NewJob("send-email"),
            NewJob("build-report") with { Priority = -2, UniqueKey = "report-1" },
            NewJob("send-email") with { Payload = """{"to":"bob@example.com"}""" },
        };

        var results = await Store.InsertManyAsync(jobs);

        Assert.That(results, Has.Count.EqualTo(jobs.Length));
        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < jobs.Length; i++)
            {
                var job = results[i].Job;
                Assert.That(results[i].Created, Is.True, $"row {i}");
                Assert.That(job.JobType, Is.EqualTo(jobs[i].JobType), $"row {i}");
                Assert.That(job.QueueName, Is.EqualTo(jobs[i].QueueName), $"row {i}");
                Assert.That(job.Priority, Is.EqualTo(jobs[i].Priority), $"row {i}");
                Assert.That(job.UniqueKey, Is.EqualTo(jobs[i].UniqueKey), $"row {i}");
                Assert.That(job.Status, Is.EqualTo(JobStatus.Queued), $"row {i}");
                Assert.That(job.RunAt, Is.EqualTo(jobs[i].RunAt ?? Now), $"row {i}");
                Assert.That(job.CreatedAt, Is.EqualTo(Now), $"row {i}");
                Assert.That(await Store.GetAsync(job.Id), Is.EqualTo(job), $"row {i}");
            }

            Assert.That(results[0].Job.MaxAttempts, Is.EqualTo(3));
            Assert.That(results[0].Job.LocksQueue, Is.True);
            Assert.That(results[0].Job.Runner, Is.EqualTo("in-process"));
            Assert.That(results[3].Job.Payload, Does.Contain("bob@example.com"));
            Assert.That(results.Select(r => r.Job.Id), Is.Ordered.Ascending.And.Unique, "ids follow the input order");
        }
    }

    [Test]
    public async Task InsertManyAsync_UniqueKeyOfUnfinishedRow_ReturnsThatRowUncreated()
    {
        var queued = await InsertAsync(NewJob() with { UniqueKey = "report-7" });
        var running = await InsertRunningAsync(NewJob() with { UniqueKey = "report-8" });

        var results = await Store.InsertManyAsync(
        [
            NewJob(),
            NewJob() with { UniqueKey = "report-7", Priority = 9 },
            NewJob() with { UniqueKey = "new-key" },
            NewJob() with { UniqueKey = "report-8" },
        ]);

        Assert.That(results.Select(r => r.Created), Is.EqualTo(new[] { true, false, true, false }));
        Assert.That(results[1].Job, Is.EqualTo(queued));
        Assert.That(results[3].Job, Is.EqualTo(running));
        Assert.That(await Store.ListAsync(new JobQuery()), Has.Count.EqualTo(4));
    }

    [Test]
    public async Task InsertManyAsync_SameKeyTwiceInBatch_WritesOneRowAndReturnsItForBoth()
    {
        var results = await Store.InsertManyAsync(
        [
            NewJob() with { UniqueKey = "once", Priority = 1 },
            NewJob(),
            NewJob() with { UniqueKey = "once", Priority = 2 },
        ]);

        Assert.That(results.Select(r => r.Created), Is.EqualTo(new[] { true, true, false }));
        Assert.That(results[2].Job, Is.EqualTo(results[0].Job));
        Assert.That(results[0].Job.Priority, Is.EqualTo(1), "the first of the batch wins");
        Assert.That(await Store.ListAsync(new JobQuery()), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task InsertManyAsync_KeyOfFinishedRow_CreatesNewRow()
    {
        var finished = await InsertFinishedAsync(JobOutcomeKind.Succeeded, NewJob() with { UniqueKey = "report-7" });

        var results = await Store.InsertManyAsync([NewJob() with { UniqueKey = "report-7" }]);

        Assert.That(results.Single().Created, Is.True);
        Assert.That(results.Single().Job.Id, Is.Not.EqualTo(finished.Id));
    }

    [Test]
    public async Task InsertManyAsync_Dispatched_HonouredPerRow()
    {
        Time.Advance(TimeSpan.FromSeconds(3));

        var results = await Store.InsertManyAsync(
        [
            NewJob() with { Dispatched = true, Runner = "sync" },
            NewJob() with { Runner = "aws-sqs" },
        ]);

        Assert.That((await GetRequiredAsync(results[0].Job.Id)).DispatchedAt, Is.EqualTo(Now));
        Assert.That((await GetRequiredAsync(results[1].Job.Id)).DispatchedAt, Is.Null);
        var undispatched = await Store.ListQueuedAsync(new QueuedQuery { UndispatchedOnly = true });
        Assert.That(undispatched.Select(j => j.Id), Is.EqualTo(new[] { results[1].Job.Id }));
    }

    [Test]
    public async Task InsertManyAsync_EmptyInput_ReturnsNothingAndWritesNothing()
    {
        Assert.That(await Store.InsertManyAsync([]), Is.Empty);
        Assert.That(await Store.ListAsync(new JobQuery()), Is.Empty);
    }

    [Test]
    public async Task InsertManyAsync_InvalidRow_ThrowsArgumentExceptionAndWritesNothing()
    {
        Assert.That(
            async () => await Store.InsertManyAsync([NewJob(), NewJob() with { JobType = "" }]),
            Throws.InstanceOf<ArgumentException>());
        Assert.That(async () => await Store.InsertManyAsync(null!), Throws.InstanceOf<ArgumentException>());

        Assert.That(await Store.ListAsync(new JobQuery()), Is.Empty);
    }

    [Test]
    public async Task InsertManyAsync_ConcurrentBatchesWithSameKey_CreateExactlyOneRow()
    {
        var results = await RunConcurrentlyAsync(6, i => Store.InsertManyAsync([NewJob(), NewJob() with { UniqueKey = "once", Priority = i }]));

        var keyed = results.Select(r => r[1]).ToList();
        Assert.That(keyed.Count(r => r.Created), Is.EqualTo(1));
        Assert.That(keyed.Select(r => r.Job.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(await Store.ListAsync(new JobQuery()), Has.Count.EqualTo(7));
    }
}
