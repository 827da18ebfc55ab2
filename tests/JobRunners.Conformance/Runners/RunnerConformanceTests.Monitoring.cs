using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Conformance;

/// <summary>
/// An operator's actions through <see cref="IJobMonitor"/> on every runner: a queued job cancelled never runs, a
/// running job's handler is stopped through its lease, and a failed job retried runs again.
/// </summary>
public abstract partial class RunnerConformanceTests
{
    /// <summary>Heartbeats fast enough that a cancel reaches a running handler quickly.</summary>
    private static readonly Dictionary<string, string?> FastHeartbeat = new() { ["JobRunners:HeartbeatInterval"] = "00:00:00.200" };

    /// <summary>A job cancelled while it waits for its delay never runs, and its row says cancelled.</summary>
    [Test]
    public async Task Monitor_CancelQueuedJob_NeverRuns()
    {
        await using var host = await StartHostAsync();
        var monitor = host.Services.GetRequiredService<IJobMonitor>();
        var key = NewKey();
        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), new DispatchOptions { Delay = TimeSpan.FromHours(1) });
        if (RunsInline)
        {
            Assert.That(job.Status, Is.EqualTo(JobStatus.Succeeded).Or.EqualTo(JobStatus.Queued), "an inline runner may run a delayed job at once");
            Assert.Ignore("The synchronous runner runs a job inside its dispatch: there is no queued job to cancel.");
        }

        var result = await monitor.CancelAsync(job.Id, "not needed any more");

        Assert.That(result.Outcome, Is.EqualTo(JobActionOutcome.Done), result.Message);
        Assert.That(result.Job!.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That((await monitor.RunNowAsync(job.Id)).Outcome, Is.EqualTo(JobActionOutcome.NotAllowed), "a cancelled job is not run now");
        Assert.That((await monitor.CancelAsync(job.Id)).Outcome, Is.EqualTo(JobActionOutcome.NotAllowed), "cancelled once");
        Assert.That(Probes.RunCount(key), Is.Zero);
    }

    /// <summary>A running job cancelled: its handler's token fires (at the next lease heartbeat) and the row ends cancelled.</summary>
    [Test]
    public async Task Monitor_CancelRunningJob_HandlerStopsAndRowEndsCancelled()
    {
        if (RunsInline)
        {
            Assert.Ignore("The synchronous runner runs a job inside its dispatch call: no other caller sees it running.");
        }

        await using var host = await StartHostAsync(FastHeartbeat);
        var monitor = host.Services.GetRequiredService<IJobMonitor>();
        var key = NewKey();
        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.HoldsUntilCancelledJob, new ProbePayload(key));
        await Probes.Holding(key).WaitAsync(Timeout);

        var result = await monitor.CancelAsync(job.Id);
        await Probes.Stopped(key).WaitAsync(Timeout);
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.That(result.Outcome, Is.EqualTo(JobActionOutcome.Done), result.Message);
        Assert.That(final.Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That(Probes.RunCount(key), Is.EqualTo(1));
    }

    /// <summary>A failed job retried by an operator runs again, with fresh attempts, and succeeds.</summary>
    [Test]
    public async Task Monitor_RetryFailedJob_RunsAgainAndSucceeds()
    {
        await using var host = await StartHostAsync();
        var monitor = host.Services.GetRequiredService<IJobMonitor>();
        var key = NewKey();
        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.FailsUntilRetriedJob, new ProbePayload(key));
        var failed = await host.WaitForFinalAsync(job.Id);
        Assert.That(failed.Status, Is.EqualTo(JobStatus.Failed));

        var result = await monitor.RetryAsync(job.Id);
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.That(result.Outcome, Is.EqualTo(JobActionOutcome.Done), result.Message);
        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded), final.LastError);
            Assert.That(final.Retries, Is.EqualTo(1));
            Assert.That(final.Attempts, Is.EqualTo(1), "the retry counts its attempts afresh");
            Assert.That(Probes.RunCount(key), Is.EqualTo(2));
        });
        Assert.That((await monitor.RetryAsync(job.Id)).Outcome, Is.EqualTo(JobActionOutcome.NotAllowed), "a succeeded job is not retried");
    }
}
