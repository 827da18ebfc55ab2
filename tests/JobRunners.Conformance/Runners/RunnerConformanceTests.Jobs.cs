using NUnit.Framework;

namespace JobRunners.Conformance;

public abstract partial class RunnerConformanceTests
{
    /// <summary>A job's row goes queued, then running (seen from inside the handler), then succeeded.</summary>
    [Test]
    public async Task DispatchJob_Succeeds_RowGoesQueuedRunningSucceeded()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        var dispatched = await host.Runner.DispatchJobAsync(ProbeHandlers.ProgressJob, new ProbePayload(key));
        var final = await host.WaitForFinalAsync(dispatched.Id);

        Assert.Multiple(() =>
        {
            Assert.That(dispatched.Id, Is.GreaterThan(0));
            Assert.That(dispatched.JobType, Is.EqualTo(ProbeHandlers.ProgressJob));
            Assert.That(dispatched.Status, Is.EqualTo(RunsInline ? JobStatus.Succeeded : JobStatus.Queued));
            Assert.That(Probes.ObservedRow(key)?.Status, Is.EqualTo(JobStatus.Running), "status seen by the handler");
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Progress, Is.EqualTo(100));
            Assert.That(final.Attempts, Is.EqualTo(1));
            Assert.That(final.LastError, Is.Null);
            Assert.That(final.FinishedAt, Is.Not.Null);
            Assert.That(final.Runner, Is.EqualTo(RunnerName));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    /// <summary>Progress written by a running handler is in the row while it runs.</summary>
    [Test]
    public async Task ReportProgress_WhileRunning_IsVisibleInRow()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.ProgressJob, new ProbePayload(key));
        var final = await host.WaitForFinalAsync(job.Id);

        var seen = Probes.ObservedRow(key);
        Assert.That(seen, Is.Not.Null, "the handler did not run");
        Assert.Multiple(() =>
        {
            Assert.That(seen!.Progress, Is.EqualTo(40));
            Assert.That(seen.ResultMessage, Is.EqualTo("forty percent"));
            Assert.That(final.ResultMessage, Is.EqualTo("forty percent"));
        });
    }

    /// <summary>A job that always throws runs every allowed attempt, then fails with its error in the row.</summary>
    [Test]
    public async Task FailingJob_ExhaustsAttempts_FailsWithLastError()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.FailingJob, new ProbePayload(key));
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(final.Attempts, Is.EqualTo(3));
            Assert.That(final.MaxAttempts, Is.EqualTo(3));
            Assert.That(final.LastError, Does.Contain("System.InvalidOperationException").And.Contain($"probe job {key} always fails"));
            Assert.That(final.FinishedAt, Is.Not.Null);
            Assert.That(Probes.RunCount(key), Is.EqualTo(3));
        });
    }

    /// <summary>A job that fails twice succeeds on its third attempt.</summary>
    [Test]
    public async Task FlakyJob_FailsTwice_SucceedsOnThirdAttempt()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.FlakyJob, new ProbePayload(key, 3));
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(3));
            Assert.That(final.LastError, Does.Contain("TimeoutException"), "the last failure stays readable");
            Assert.That(Probes.RunCount(key), Is.EqualTo(3));
        });
    }

    /// <summary>A job dispatches another job through its context; both rows succeed.</summary>
    [Test]
    public async Task Job_DispatchesAnotherJob_ChildRuns()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        var parent = await host.Runner.DispatchJobAsync(ProbeHandlers.ParentJob, new ProbePayload(key));
        var finalParent = await host.WaitForFinalAsync(parent.Id);
        Assert.That(finalParent.Status, Is.EqualTo(JobStatus.Succeeded), finalParent.LastError);

        var childId = long.Parse(finalParent.ResultMessage!, System.Globalization.CultureInfo.InvariantCulture);
        var child = await host.WaitForFinalAsync(childId);
        Assert.Multiple(() =>
        {
            Assert.That(child.JobType, Is.EqualTo(ProbeHandlers.OkJob));
            Assert.That(child.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(child.ResultMessage, Is.EqualTo($"ok {key}.child"));
        });
    }

    /// <summary>A batch of jobs is dispatched and every one runs once.</summary>
    [Test]
    public async Task DispatchJobs_Batch_EveryJobSucceeds()
    {
        await using var host = await StartHostAsync();
        var keys = Enumerable.Range(0, 25).Select(_ => NewKey()).ToList();

        var results = await host.Runner.DispatchJobsAsync(keys.Select(k => new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(k))).ToList());

        Assert.That(results.Select(r => r.Error?.Message), Is.All.Null);
        foreach (var result in results)
        {
            var final = await host.WaitForFinalAsync(result.Job!.Id);
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
        }

        Assert.That(keys.Select(Probes.RunCount), Is.All.EqualTo(1));
    }

    /// <summary>A second dispatch with the unique key of an unfinished job returns that job's row.</summary>
    [Test]
    public async Task DispatchJob_SameUniqueKeyWhileUnfinished_ReturnsExistingRow()
    {
        await using var host = await StartHostAsync();
        var options = new DispatchOptions { UniqueKey = "kit-" + NewKey(), Delay = TimeSpan.FromHours(1) };

        var first = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()), options);
        var second = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()), options);

        Assert.Multiple(() =>
        {
            Assert.That(second.Id, Is.EqualTo(first.Id));
            Assert.That(second.Status, Is.EqualTo(JobStatus.Queued));
        });
        Assert.That(await host.Store.ListAsync(new JobQuery { JobType = ProbeHandlers.OkJob }), Has.Count.EqualTo(1));
    }

    /// <summary>A delayed job does not start before its time, then runs.</summary>
    [Test]
    public async Task DispatchJob_WithDelay_RunsNotBeforeRunAt()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        var before = DateTimeOffset.UtcNow;

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), new DispatchOptions { Delay = TimeSpan.FromSeconds(1) });
        Assert.That(job.Status, Is.EqualTo(JobStatus.Queued), "a delayed job is not run at dispatch");
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.StartedAt, Is.GreaterThanOrEqualTo(job.RunAt));
            // Stores keep milliseconds.
            Assert.That(job.RunAt, Is.GreaterThan(before.AddSeconds(1).AddMilliseconds(-1)), "run_at is the delay after the dispatch call");
        });
    }
}
