using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Rescuing rows whose worker stopped renewing its lease.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task RescueExpiredLeasesAsync_LapsedLeaseWithAttemptsLeft_RequeuesInItsPlaceForTheOutbox()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 2, Dispatched = true, Runner = "aws-sqs" });
        var dueAt = running.RunAt;
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        var rescued = await Store.RescueExpiredLeasesAsync();

        Assert.That(rescued, Has.Count.EqualTo(1));
        var job = rescued[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(job.Id, Is.EqualTo(running.Id));
            Assert.That(job.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(job.RunAt, Is.EqualTo(dueAt));
            Assert.That(job.DispatchedAt, Is.Null);
            Assert.That(job.LockedBy, Is.Null);
            Assert.That(job.LockedUntil, Is.Null);
            Assert.That(job.Attempts, Is.EqualTo(1));
            Assert.That(job.FinishedAt, Is.Null);
            Assert.That(job.UpdatedAt, Is.EqualTo(Now));
            Assert.That(job.LastError, Is.EqualTo(
                "Lease expired: worker 'worker-1' stopped renewing its lease during attempt 1 (the process probably stopped)."));
            Assert.That(await Store.GetAsync(job.Id), Is.EqualTo(job));
        }

        Assert.That(await Store.ListQueuedAsync(new QueuedQuery { UndispatchedOnly = true }), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RescueExpiredLeasesAsync_LapsedLeaseOnLastAttempt_FailsJob()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 1 });
        Time.Advance(TimeSpan.FromMinutes(5));

        var rescued = await Store.RescueExpiredLeasesAsync();

        Assert.That(rescued, Has.Count.EqualTo(1));
        var stored = await GetRequiredAsync(running.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rescued[0], Is.EqualTo(stored));
            Assert.That(stored.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(stored.FinishedAt, Is.EqualTo(Now));
            Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
            Assert.That(stored.Attempts, Is.EqualTo(1));
            Assert.That(stored.LastError, Is.EqualTo(
                "Lease expired: worker 'worker-1' stopped renewing its lease during attempt 1 (the process probably stopped)."));
        }
    }

    [Test]
    public async Task RescueExpiredLeasesAsync_SecondAttemptLapsed_NamesWorkerAndAttempt()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 2 });
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        await Store.RescueExpiredLeasesAsync();
        await ClaimAsync(running.Id, "host-b:42");
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        var rescued = await Store.RescueExpiredLeasesAsync();

        Assert.That(rescued.Single().Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(rescued.Single().LastError, Is.EqualTo(
            "Lease expired: worker 'host-b:42' stopped renewing its lease during attempt 2 (the process probably stopped)."));
    }

    [Test]
    public async Task RescueExpiredLeasesAsync_LeaseEndsNow_LeavesRow()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 2 });
        Time.Advance(Lease);

        Assert.That(await Store.RescueExpiredLeasesAsync(), Is.Empty);

        Assert.That(await Store.GetAsync(running.Id), Is.EqualTo(running));
    }

    [Test]
    public async Task RescueExpiredLeasesAsync_ExtendedLease_LeavesRow()
    {
        var running = await InsertRunningAsync(NewJob() with { MaxAttempts = 2 });
        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.That(await Store.ExtendLeasesAsync([running.Id], Worker, Lease), Is.EqualTo(new[] { running.Id }));
        Time.Advance(TimeSpan.FromSeconds(20));

        Assert.That(await Store.RescueExpiredLeasesAsync(), Is.Empty);

        Assert.That((await GetRequiredAsync(running.Id)).Status, Is.EqualTo(JobStatus.Running));
    }

    [Test]
    public async Task RescueExpiredLeasesAsync_QueuedAndFinishedRows_LeavesThem()
    {
        var queued = await InsertAsync();
        var finished = await InsertFinishedAsync(JobOutcomeKind.Succeeded);
        var rescuable = await InsertRunningAsync(NewJob() with { MaxAttempts = 2 });
        Time.Advance(TimeSpan.FromHours(1));

        var rescued = await Store.RescueExpiredLeasesAsync();

        Assert.That(rescued.Select(j => j.Id), Is.EqualTo(new[] { rescuable.Id }));
        Assert.That(await Store.GetAsync(queued.Id), Is.EqualTo(queued));
        Assert.That(await Store.GetAsync(finished.Id), Is.EqualTo(finished));
    }
}
