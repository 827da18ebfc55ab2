using System.Text.Json;
using NUnit.Framework;

namespace JobRunners.Conformance;

/// <content>
/// Nothing accepted is stranded: a row the backend never accepted, a message the backend lost, a worker that died
/// mid-job and a delay longer than the backend holds all end with the job run, once.
/// </content>
public abstract partial class RunnerConformanceTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// True when the runner's backend only learns of a row by a send (runners with a broker): the outbox and the
    /// reconciler mark what they send. False when the runner's workers find queued rows in the store themselves, so a
    /// row may run before anything sends it.
    /// </summary>
    protected virtual bool ResendsLostMessages => true;

    [Test]
    public async Task Outbox_BackendDownAtDispatch_RowSentLaterAndRunsOnce()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        // What a dispatch leaves behind when the backend refused it: the row, queued, with no dispatched_at.
        var row = await InsertAsync(host.Store, key, dispatched: false);
        var final = await host.WaitForFinalAsync(row.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
            // Not its dispatched_at: a worker can finish the job before the outbox's mark lands, and the mark then
            // leaves the finished row alone. That it ran once, after the outbox sent it, is the guarantee.
        });
    }

    [Test]
    public async Task Reconciler_MessageLostByBackend_RowSentAgainAndRunsOnce()
    {
        // The row is in the store before the host starts, marked dispatched, with no message anywhere: lost.
        var host = BuildHost(new Dictionary<string, string?> { ["JobRunners:RedeliverAfter"] = "00:00:01" });
        var store = (IJobStore)host.Services.GetService(typeof(IJobStore))!;
        await store.MigrateAsync();
        var key = NewKey();
        var row = await InsertAsync(store, key, dispatched: true);
        await host.StartAsync();
        await using var running = new RunnerHost(host, Timeout);

        var final = await running.WaitForFinalAsync(row.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(1));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
            if (ResendsLostMessages)
            {
                Assert.That(final.DispatchedAt, Is.GreaterThan(row.DispatchedAt!.Value), "the reconciler sent it again");
            }
        });
    }

    [Test]
    public async Task Rescue_WorkerKilledMidJob_LeaseLapsesAndJobRunsAgain()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        // Not due yet, so the runner's own workers leave it to the claim below (which takes it early, as a worker
        // does for a due message); the rescue makes it due.
        var row = await InsertAsync(host.Store, key, dispatched: true, runAt: DateTimeOffset.UtcNow.AddHours(1));

        // A worker that claimed the row and died: nothing renews its short lease.
        var claimed = await host.Store.ClaimAsync(new JobClaimRequest { WorkerId = "killed-worker", Lease = TimeSpan.FromMilliseconds(300), Ids = [row.Id], IgnoreRunAt = true });
        Assert.That(claimed, Has.Count.EqualTo(1), "the dead worker's claim");
        var final = await host.WaitForFinalAsync(row.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(2), "the dead worker's attempt, then the rescued one");
            Assert.That(final.LockedBy, Is.Not.EqualTo("killed-worker"));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task DispatchJob_DelayBeyondBackendMaximum_WaitsInRowAndRunsWhenDue()
    {
        // Eight days: past SQS's 15 minutes and Azure's 7 days. The clock jumps instead of the test waiting.
        var clock = new JumpingClock();
        HostClock = clock;
        await using var host = await StartHostAsync();
        var key = NewKey();
        var delay = TimeSpan.FromDays(8);

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), new DispatchOptions { Delay = delay });
        var waiting = await host.Store.GetAsync(job.Id);
        Assert.That((waiting!.Status, waiting.RunAt), Is.EqualTo((JobStatus.Queued, job.RunAt)), "it waits in its row");
        Assert.That(job.RunAt - clock.GetUtcNow(), Is.GreaterThan(delay - TimeSpan.FromMinutes(1)));

        clock.Jump(delay);
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.StartedAt, Is.GreaterThanOrEqualTo(job.RunAt), "not before it was due");
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    /// <summary>A row of the kit's OK job, as this runner's dispatch writes it, allowed a second attempt.</summary>
    private async Task<JobRequest> InsertAsync(IJobStore store, string key, bool dispatched, DateTimeOffset? runAt = null)
    {
        var inserted = await store.InsertAsync(new NewJobRequest
        {
            JobType = ProbeHandlers.OkJob,
            QueueName = ProbeHandlers.OkJob,
            Payload = JsonSerializer.Serialize(new ProbePayload(key), Web),
            MaxAttempts = 2,
            Runner = RunnerName,
            Dispatched = dispatched,
            RunAt = runAt,
        });
        return inserted.Job;
    }
}
