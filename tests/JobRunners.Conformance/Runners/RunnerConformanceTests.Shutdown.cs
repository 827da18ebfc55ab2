using NUnit.Framework;

namespace JobRunners.Conformance;

/// <summary>Shutdown mid-job: the running attempt is released, not counted, and the job runs after the next start.</summary>
public abstract partial class RunnerConformanceTests
{
    /// <summary>
    /// Settings that make the runner's worker interrupt running work soon after shutdown begins (a short shutdown
    /// timeout), or null when stopping a host does not interrupt running jobs: the synchronous runner runs them
    /// inside the dispatch call, and a runner whose jobs run in another process (a Lambda function) is not
    /// stopped with the dispatching host.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, string?>? ShortShutdownSettings => null;

    /// <summary>
    /// A host stopped while a job runs releases the job: the row is queued again with the attempt not counted
    /// and no lease held, and the next host runs it to success on what is again its first attempt.
    /// </summary>
    [Test]
    public async Task Shutdown_WhileJobRuns_ReleasesRowWithoutCountingAttempt()
    {
        if (ShortShutdownSettings is not { } shutdown)
        {
            Assert.Ignore($"Not applicable to {RunnerName}: stopping its host does not interrupt a running job.");
            return;
        }

        var settings = new Dictionary<string, string?>(shutdown) { ["JobRunners:Sqlite:Path"] = NewSharedStorePath() };
        var key = NewKey();
        JobRequest job;
        JobRequest released;
        await using (var first = await StartHostAsync(settings))
        {
            job = await first.Runner.DispatchJobAsync(ProbeHandlers.HoldsFirstRunJob, new ProbePayload(key));
            await Probes.Holding(key).WaitAsync(Timeout);
            var running = await first.Store.GetAsync(job.Id);
            Assert.That(running!.Attempts, Is.EqualTo(1), "the running attempt is counted while it runs");

            await first.StopAsync();
            released = (await first.Store.GetAsync(job.Id))!;
        }

        Assert.Multiple(() =>
        {
            Assert.That(released.Status, Is.EqualTo(JobStatus.Queued), released.LastError);
            Assert.That(released.Attempts, Is.EqualTo(job.Attempts), "the interrupted attempt is given back");
            Assert.That(released.LockedBy, Is.Null, "no lease is held");
            Assert.That(released.LastError, Is.Null, "a release is not a failure");
        });

        await using var second = await StartHostAsync(settings);
        var final = await second.WaitForFinalAsync(job.Id);
        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded), final.LastError);
            Assert.That(final.Attempts, Is.EqualTo(1), "the run after the release is the first counted attempt");
            Assert.That(final.ResultMessage, Is.EqualTo($"ok {key}"));
            Assert.That(Probes.RunCount(key), Is.EqualTo(2));
        });
    }
}
