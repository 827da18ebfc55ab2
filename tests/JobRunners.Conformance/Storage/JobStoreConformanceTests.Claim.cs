using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Claims of the rows a queue delivered (by <see cref="JobClaimRequest.Ids"/>) and due times.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task ClaimAsync_ByIdQueuedDueRow_ClaimsAndCountsAttempt()
    {
        var queued = await InsertAsync();
        Time.Advance(TimeSpan.FromSeconds(2));

        var claimed = await Store.ClaimAsync(ClaimById(queued.Id));

        Assert.That(claimed, Has.Count.EqualTo(1));
        var job = claimed[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(job.Id, Is.EqualTo(queued.Id));
            Assert.That(job.Status, Is.EqualTo(JobStatus.Running));
            Assert.That(job.Assigned, Is.True);
            Assert.That(job.LockedBy, Is.EqualTo(Worker));
            Assert.That(job.LockedUntil, Is.EqualTo(Now + Lease));
            Assert.That(job.Attempts, Is.EqualTo(1));
            Assert.That(job.StartedAt, Is.EqualTo(Now));
            Assert.That(job.UpdatedAt, Is.EqualTo(Now));
            Assert.That(job.CreatedAt, Is.EqualTo(queued.CreatedAt));
            Assert.That(job.Payload, Is.EqualTo(queued.Payload));
            Assert.That(await Store.GetAsync(job.Id), Is.EqualTo(job));
        }
    }

    [Test]
    public async Task ClaimAsync_ByIdMissingRow_ReturnsNothing()
    {
        Assert.That(await Store.ClaimAsync(ClaimById(987654)), Is.Empty);
    }

    [Test]
    public async Task ClaimAsync_ByIdRunningRow_ReturnsNothingAndKeepsLease()
    {
        var running = await InsertRunningAsync();
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(await Store.ClaimAsync(ClaimById(running.Id, "worker-2")), Is.Empty);

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(running));
    }

    [TestCase(JobOutcomeKind.Succeeded)]
    [TestCase(JobOutcomeKind.Failed)]
    [TestCase(JobOutcomeKind.Cancelled)]
    public async Task ClaimAsync_ByIdFinishedRow_ReturnsNothingEvenIgnoringRunAt(JobOutcomeKind kind)
    {
        var finished = await InsertFinishedAsync(kind);

        var claimed = await Store.ClaimAsync(ClaimById(finished.Id) with { IgnoreRunAt = true });

        Assert.That(claimed, Is.Empty);
        Assert.That(await Store.GetAsync(finished.Id), Is.EqualTo(finished));
    }

    [Test]
    public async Task ClaimAsync_ByIdNotYetDue_ReturnsNothingAndLeavesRow()
    {
        var delayed = await InsertAsync(NewJob() with { RunAt = Now.AddMinutes(1) });

        Assert.That(await Store.ClaimAsync(ClaimById(delayed.Id)), Is.Empty);

        Assert.That(await Store.GetAsync(delayed.Id), Is.EqualTo(delayed));
    }

    [Test]
    public async Task ClaimAsync_ByIdNotYetDueWithIgnoreRunAt_Claims()
    {
        var delayed = await InsertAsync(NewJob() with { RunAt = Now.AddMinutes(1) });

        var claimed = await Store.ClaimAsync(ClaimById(delayed.Id) with { IgnoreRunAt = true });

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { delayed.Id }));
        Assert.That(claimed[0].Attempts, Is.EqualTo(1));
        Assert.That(claimed[0].RunAt, Is.EqualTo(delayed.RunAt));
    }

    [Test]
    public async Task ClaimAsync_ByIdRunAtReached_Claims()
    {
        var delayed = await InsertAsync(NewJob() with { RunAt = Now.AddMinutes(1) });
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.That(await ClaimOrNullAsync(delayed.Id), Is.Not.Null);
    }

    [Test]
    public async Task ClaimAsync_ByIds_ClaimsOnlyThoseRowsInClaimOrder()
    {
        var rows = new List<JobRequest>();
        for (var i = 0; i < 4; i++)
        {
            rows.Add(await InsertAsync(NewJob() with { Priority = i }));
        }

        var claimed = await Store.ClaimAsync(new JobClaimRequest { WorkerId = Worker, Lease = Lease, Limit = 10, Ids = [rows[0].Id, rows[2].Id] });

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { rows[2].Id, rows[0].Id }), "higher priority first");
        Assert.That((await GetRequiredAsync(rows[1].Id)).Status, Is.EqualTo(JobStatus.Queued));
        Assert.That((await GetRequiredAsync(rows[3].Id)).Status, Is.EqualTo(JobStatus.Queued));
    }

    [Test]
    public async Task ClaimAsync_ByIdsBeyondLimit_ClaimsTheFirstInClaimOrder()
    {
        var low = await InsertAsync(NewJob() with { Priority = 1 });
        var high = await InsertAsync(NewJob() with { Priority = 9 });
        var middle = await InsertAsync(NewJob() with { Priority = 5 });

        var claimed = await Store.ClaimAsync(new JobClaimRequest { WorkerId = Worker, Lease = Lease, Limit = 2, Ids = [low.Id, high.Id, middle.Id] });

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { high.Id, middle.Id }));
        Assert.That((await GetRequiredAsync(low.Id)).Status, Is.EqualTo(JobStatus.Queued));
    }

    [Test]
    public async Task ClaimAsync_ByIdsSomeNotDue_SkipsThemUnlessIgnoringRunAt()
    {
        var due = await InsertAsync();
        var delayed = await InsertAsync(NewJob() with { RunAt = Now.AddMinutes(5) });
        var laterDelayed = await InsertAsync(NewJob() with { RunAt = Now.AddMinutes(5) });

        var dueOnly = await Store.ClaimAsync(new JobClaimRequest { WorkerId = Worker, Lease = Lease, Limit = 5, Ids = [due.Id, delayed.Id] });
        var ignoring = await Store.ClaimAsync(new JobClaimRequest { WorkerId = Worker, Lease = Lease, Limit = 5, Ids = [delayed.Id, laterDelayed.Id], IgnoreRunAt = true });

        Assert.That(dueOnly.Select(j => j.Id), Is.EqualTo(new[] { due.Id }));
        Assert.That(ignoring.Select(j => j.Id), Is.EqualTo(new[] { delayed.Id, laterDelayed.Id }));
    }

    [Test]
    public async Task ClaimAsync_ByIdsWithJobTypes_ClaimsOnlyThoseTypes()
    {
        var email = await InsertAsync(NewJob("send-email"));
        var report = await InsertAsync(NewJob("build-report"));

        var claimed = await Store.ClaimAsync(new JobClaimRequest { WorkerId = Worker, Lease = Lease, Limit = 5, Ids = [email.Id, report.Id], JobTypes = ["build-report"] });

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { report.Id }));
        Assert.That(await Store.GetAsync(email.Id), Is.EqualTo(email));
    }

    [Test]
    public async Task ClaimAsync_ByIdsMissingRunningAndFinishedIds_IgnoresThem()
    {
        var queued = await InsertAsync();
        var running = await InsertRunningAsync(worker: "worker-2");
        var finished = await InsertFinishedAsync(JobOutcomeKind.Succeeded);

        var claimed = await Store.ClaimAsync(new JobClaimRequest
        {
            WorkerId = Worker,
            Lease = Lease,
            Limit = 10,
            Ids = [987654, running.Id, queued.Id, finished.Id],
        });

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { queued.Id }));
        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(running), "the other worker keeps its lease");
        Assert.That(await Store.GetAsync(finished.Id), Is.EqualTo(finished));
    }

    [Test]
    public async Task ClaimAsync_ByEmptyIds_ReturnsNothing()
    {
        var queued = await InsertAsync();

        Assert.That(await Store.ClaimAsync(new JobClaimRequest { WorkerId = Worker, Lease = Lease, Ids = [] }), Is.Empty);
        Assert.That(await Store.GetAsync(queued.Id), Is.EqualTo(queued));
    }

    [Test]
    public void ClaimAsync_InvalidRequest_ThrowsArgumentException()
    {
        Assert.That(async () => await Store.ClaimAsync(null!), Throws.InstanceOf<ArgumentException>());
        Assert.That(async () => await Store.ClaimAsync(ClaimById(1, "")), Throws.InstanceOf<ArgumentException>());
        Assert.That(async () => await Store.ClaimAsync(ClaimById(1) with { Lease = TimeSpan.Zero }), Throws.InstanceOf<ArgumentException>());
        Assert.That(async () => await Store.ClaimAsync(ClaimDue() with { Limit = 0 }), Throws.InstanceOf<ArgumentException>());
        Assert.That(async () => await Store.ClaimAsync(ClaimDue() with { IgnoreRunAt = true }), Throws.InstanceOf<ArgumentException>(),
            "IgnoreRunAt needs Ids");
    }
}
