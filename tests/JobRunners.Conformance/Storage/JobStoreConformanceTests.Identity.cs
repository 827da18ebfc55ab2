using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>
/// Deduplication scopes: a row holds its identity while unfinished, for a period after its insert, or for ever,
/// optionally per queue; concurrent inserts of one identity write one row in every scope; retention and purge keep a
/// row while it holds its identity.
/// </content>
public abstract partial class JobStoreConformanceTests
{
    /// <summary>The scopes an identity can be held for: while unfinished, an hour, for ever.</summary>
    private static readonly TimeSpan?[] Scopes = [null, TimeSpan.FromHours(1), DispatchOptions.Forever];

    [TestCaseSource(nameof(Scopes))]
    public async Task InsertAsync_TwentyConcurrentInsertsOfOneIdentity_WriteOneRow(TimeSpan? scope)
    {
        var results = await RunConcurrentlyAsync(20, i => Store.InsertAsync(NewJob() with { UniqueKey = "once", UniqueFor = scope, Priority = i }));

        Assert.That(results.Count(r => r.Created), Is.EqualTo(1));
        Assert.That(results.Select(r => r.Job.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(await Store.ListAsync(new JobQuery()), Has.Count.EqualTo(1));
    }

    [TestCaseSource(nameof(Scopes))]
    public async Task InsertManyAsync_TwentyConcurrentBatchesOfOneIdentity_WriteOneRow(TimeSpan? scope)
    {
        var results = await RunConcurrentlyAsync(20, i => Store.InsertManyAsync(
            [NewJob() with { UniqueKey = "once", UniqueFor = scope, Priority = i }, NewJob("other") with { Priority = i }]));

        Assert.That(results.Count(r => r[0].Created), Is.EqualTo(1));
        Assert.That(results.Select(r => r[0].Job.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(results.Select(r => r[1].Created), Is.All.True, "the batch's other row is written every time");
        Assert.That(await Store.ListAsync(new JobQuery { JobType = "send-email" }), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task InsertAsync_WithPeriod_StoresUntilAndRoundTrips()
    {
        var job = await InsertAsync(NewJob() with { UniqueKey = "k", UniqueFor = TimeSpan.FromMinutes(90), UniquePerQueue = true });

        var stored = await GetRequiredAsync(job.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored, Is.EqualTo(job));
            Assert.That(stored.UniqueUntil, Is.EqualTo(Now.AddMinutes(90)));
            Assert.That(stored.UniquePerQueue, Is.True);
            Assert.That(stored.Deduplicated, Is.False, "a row read from the store is never marked deduplicated");
        }
    }

    [Test]
    public async Task InsertAsync_ForeverAndWhileUnfinished_StoreTheirScope()
    {
        var forever = await InsertAsync(NewJob() with { UniqueKey = "f", UniqueFor = DispatchOptions.Forever });
        var unfinished = await InsertAsync(NewJob() with { UniqueKey = "u" });

        Assert.That((await GetRequiredAsync(forever.Id)).UniqueUntil, Is.EqualTo(DateTimeOffset.MaxValue));
        Assert.That((await GetRequiredAsync(unfinished.Id)).UniqueUntil, Is.Null);
    }

    [Test]
    public async Task InsertAsync_AfterSuccess_WhileUnfinishedScope_WritesAgain()
    {
        var first = await InsertFinishedAsync(JobOutcomeKind.Succeeded, NewJob() with { UniqueKey = "k" });

        var second = await Store.InsertAsync(NewJob() with { UniqueKey = "k" });

        Assert.That(second.Created, Is.True);
        Assert.That(second.Job.Id, Is.Not.EqualTo(first.Id));
    }

    [Test]
    public async Task InsertAsync_AfterSuccess_WithinPeriod_ReturnsFinishedRowUntilThePeriodEnds()
    {
        var job = NewJob() with { UniqueKey = "k", UniqueFor = TimeSpan.FromHours(1) };
        var first = await InsertFinishedAsync(JobOutcomeKind.Succeeded, job);

        Time.Advance(TimeSpan.FromMinutes(59));
        var refused = await Store.InsertAsync(job);
        Time.Advance(TimeSpan.FromMinutes(1));
        var again = await Store.InsertAsync(job);
        var third = await Store.InsertAsync(job);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.Created, Is.False);
            Assert.That(refused.Job.Id, Is.EqualTo(first.Id));
            Assert.That(refused.Job.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(again.Created, Is.True, "the period is over: the identity is taken again");
            Assert.That(again.Job.UniqueUntil, Is.EqualTo(Now.AddHours(1)), "the new row's period starts at its insert");
            Assert.That(third.Created, Is.False);
            Assert.That(third.Job.Id, Is.EqualTo(again.Job.Id));
        }
    }

    [Test]
    public async Task InsertAsync_PeriodOverButJobUnfinished_ReturnsTheUnfinishedRow()
    {
        var job = NewJob() with { UniqueKey = "k", UniqueFor = TimeSpan.FromMinutes(5) };
        var first = await InsertAsync(job);

        Time.Advance(TimeSpan.FromHours(1));
        var second = await Store.InsertAsync(job);

        Assert.That(second.Created, Is.False, "an unfinished job holds its identity whatever its period");
        Assert.That(second.Job.Id, Is.EqualTo(first.Id));
    }

    [TestCase(JobOutcomeKind.Succeeded)]
    [TestCase(JobOutcomeKind.Failed)]
    [TestCase(JobOutcomeKind.Cancelled)]
    public async Task InsertAsync_Forever_NeverWritesAgain(JobOutcomeKind outcome)
    {
        var job = NewJob() with { UniqueKey = "k", UniqueFor = DispatchOptions.Forever };
        var first = await InsertFinishedAsync(outcome, job);

        Time.Advance(TimeSpan.FromDays(3650));
        var second = await Store.InsertAsync(job);

        Assert.That(second.Created, Is.False);
        Assert.That(second.Job.Id, Is.EqualTo(first.Id));
    }

    [Test]
    public async Task InsertAsync_PerQueue_SameIdentityOnAnotherQueueIsAnotherJob()
    {
        var onA = await InsertAsync(NewJob() with { QueueName = "a", UniqueKey = "k", UniquePerQueue = true });
        var onB = await Store.InsertAsync(NewJob() with { QueueName = "b", UniqueKey = "k", UniquePerQueue = true });
        var onAAgain = await Store.InsertAsync(NewJob() with { QueueName = "a", UniqueKey = "k", UniquePerQueue = true });
        var global = await Store.InsertAsync(NewJob() with { QueueName = "a", UniqueKey = "k" });
        var globalAgain = await Store.InsertAsync(NewJob() with { QueueName = "b", UniqueKey = "k" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onB.Created, Is.True);
            Assert.That(onAAgain.Created, Is.False);
            Assert.That(onAAgain.Job.Id, Is.EqualTo(onA.Id));
            Assert.That(global.Created, Is.True, "an identity held per queue and one held across queues are different identities");
            Assert.That(globalAgain.Created, Is.False, "without per queue, the queue is not part of the identity");
            Assert.That(globalAgain.Job.Id, Is.EqualTo(global.Job.Id));
        }
    }

    [Test]
    public async Task InsertManyAsync_SameIdentityWithinBatchAndHeldByFinishedRow_ReturnsTheHolder()
    {
        var job = NewJob() with { UniqueKey = "k", UniqueFor = DispatchOptions.Forever };
        var holder = await InsertFinishedAsync(JobOutcomeKind.Succeeded, job);

        var results = await Store.InsertManyAsync([job, NewJob("other"), job]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.Created), Is.EqualTo(new[] { false, true, false }));
            Assert.That(results[0].Job.Id, Is.EqualTo(holder.Id));
            Assert.That(results[2].Job.Id, Is.EqualTo(holder.Id));
        }
    }

    [Test]
    public async Task InsertManyAsync_HolderPeriodOver_WritesNewRowOnceForTheBatch()
    {
        var job = NewJob() with { UniqueKey = "k", UniqueFor = TimeSpan.FromMinutes(1) };
        var old = await InsertFinishedAsync(JobOutcomeKind.Succeeded, job);
        Time.Advance(TimeSpan.FromMinutes(2));

        var results = await Store.InsertManyAsync([job, job]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.Created), Is.EqualTo(new[] { true, false }));
            Assert.That(results[0].Job.Id, Is.Not.EqualTo(old.Id));
            Assert.That(results[1].Job.Id, Is.EqualTo(results[0].Job.Id));
        }
    }

    [Test]
    public async Task PruneAsync_RowHoldingItsIdentity_IsKeptUntilThePeriodEnds()
    {
        var forever = await InsertFinishedAsync(JobOutcomeKind.Succeeded, NewJob() with { UniqueKey = "f", UniqueFor = DispatchOptions.Forever });
        var period = await InsertFinishedAsync(JobOutcomeKind.Succeeded, NewJob() with { UniqueKey = "p", UniqueFor = TimeSpan.FromDays(30) });
        var plain = await InsertFinishedAsync(JobOutcomeKind.Succeeded, NewJob() with { UniqueKey = "u" });
        Time.Advance(TimeSpan.FromDays(10));

        var prunedEarly = await Store.PruneAsync(Now);
        var purgedEarly = await Store.PurgeAsync(JobStatus.Succeeded, Now);
        Time.Advance(TimeSpan.FromDays(21));
        var prunedLater = await Store.PruneAsync(Now);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(prunedEarly, Is.EqualTo(1), "only the row that holds no identity");
            Assert.That(await Store.GetAsync(plain.Id), Is.Null);
            Assert.That(purgedEarly, Is.Zero, "purge keeps held rows as retention does");
            Assert.That(prunedLater, Is.EqualTo(1), "the period row once its period is over");
            Assert.That(await Store.GetAsync(period.Id), Is.Null);
            Assert.That(await Store.GetAsync(forever.Id), Is.Not.Null, "a row held for ever is never pruned");
        }
    }

    [Test]
    public async Task RetryManyAsync_FailedRowsSharingAnIdentity_RetriesTheNewestAndLeavesTheRestForLater()
    {
        var job = NewJob() with { UniqueKey = "k" };
        var older = await InsertFinishedAsync(JobOutcomeKind.Failed, job);
        var newer = await InsertFinishedAsync(JobOutcomeKind.Failed, job);
        var plain = await InsertFinishedAsync(JobOutcomeKind.Failed, NewJob("other"));

        var retried = await Store.RetryManyAsync(JobStatus.Failed, null, 500);
        var second = await Store.RetryManyAsync(JobStatus.Failed, null, 500);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(retried.Select(r => r.Id), Is.EquivalentTo(new[] { newer.Id, plain.Id }));
            Assert.That(second, Is.Empty, "the older row's identity is held by the retried one");
            Assert.That((await GetRequiredAsync(older.Id)).Status, Is.EqualTo(JobStatus.Failed));
        }
    }

    [Test]
    public async Task InsertAsync_PeriodWithoutKey_ThrowsInvalidDispatchNamingTheField()
    {
        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () => await Store.InsertAsync(NewJob() with { UniqueFor = TimeSpan.FromHours(1) }));

        Assert.That(error!.Field, Is.EqualTo("DispatchOptions.UniqueFor"));
    }

    [Test]
    public async Task InsertAsync_ZeroPeriod_ThrowsInvalidDispatchNamingTheField()
    {
        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () => await Store.InsertAsync(NewJob() with { UniqueKey = "k", UniqueFor = TimeSpan.Zero }));

        Assert.That(error!.Field, Is.EqualTo("DispatchOptions.UniqueFor"));
        Assert.That(error.Message, Does.Contain("DispatchOptions.Forever"));
    }
}
