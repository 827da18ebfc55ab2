using NUnit.Framework;

namespace JobRunners.Conformance;

/// <content>
/// Deduplication through the runner: one row for one identity under concurrent dispatchers in every scope, the
/// returned row marked <see cref="JobRequest.Deduplicated"/>, and a payload identity's second dispatch after success
/// run again, refused until the period ends, or refused for ever.
/// </content>
public abstract partial class RunnerConformanceTests
{
    /// <summary>The scopes an identity can be held for: while unfinished, an hour, for ever.</summary>
    private static readonly TimeSpan?[] IdentityScopes = [null, TimeSpan.FromHours(1), DispatchOptions.Forever];

    /// <summary>Twenty dispatchers at once with one identity: one row, and every other call gets it back marked deduplicated.</summary>
    [TestCaseSource(nameof(IdentityScopes))]
    public async Task DispatchJob_TwentyConcurrentDispatchersOfOneIdentity_OneRow(TimeSpan? scope)
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        // Delayed, so that no job finishes while the dispatchers race (a finished job gives up a while-unfinished identity).
        var options = new DispatchOptions { UniqueKey = "kit-" + key, UniqueFor = scope, Delay = TimeSpan.FromHours(2) };

        var rows = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
            await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), options))));

        var stored = await host.Store.ListAsync(new JobQuery { JobType = ProbeHandlers.OkJob });
        Assert.Multiple(() =>
        {
            Assert.That(stored, Has.Count.EqualTo(1));
            Assert.That(rows.Select(r => r.Id).Distinct(), Is.EqualTo(new[] { stored[0].Id }));
            Assert.That(rows.Count(r => !r.Deduplicated), Is.EqualTo(1), "exactly one dispatch wrote the row");
            Assert.That(stored[0].UniqueUntil is null, Is.EqualTo(scope is null));
        });
    }

    /// <summary>A batch dedupes within itself and against the store, and says which items were deduplicated.</summary>
    [Test]
    public async Task DispatchJobs_SameIdentityInBatchAndInStore_ReportsDeduplicated()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        var options = new DispatchOptions { UniqueByPayload = true, Delay = TimeSpan.FromHours(2) };
        var first = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), options);

        var results = await host.Runner.DispatchJobsAsync(
        [
            new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(key), options),
            new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(key, 2), options),
            new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(key, 2), options),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(first.Deduplicated, Is.False);
            Assert.That(first.UniqueKey, Does.StartWith("sha256:"));
            Assert.That(results.Select(r => r.Succeeded), Is.All.True);
            Assert.That(results.Select(r => r.Deduplicated), Is.EqualTo(new[] { true, false, true }));
            Assert.That(results[0].Job!.Id, Is.EqualTo(first.Id));
            Assert.That(results[2].Job!.Id, Is.EqualTo(results[1].Job!.Id), "the batch's repeat gets the batch's first row");
        });
    }

    /// <summary>Under "while unfinished", a payload identity dispatched again after its job succeeded runs again.</summary>
    [Test]
    public async Task DispatchJob_PayloadIdentityAfterSuccess_WhileUnfinished_RunsAgain()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        var options = new DispatchOptions { UniqueByPayload = true };

        var first = await host.WaitForFinalAsync((await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), options)).Id);
        var second = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), options);
        var secondFinal = await host.WaitForFinalAsync(second.Id);

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(second.Deduplicated, Is.False);
            Assert.That(second.Id, Is.Not.EqualTo(first.Id));
            Assert.That(secondFinal.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(Probes.RunCount(key), Is.EqualTo(2));
        });
    }

    /// <summary>Under a period, a payload identity dispatched again after success is refused until the period ends, then runs.</summary>
    [Test]
    public async Task DispatchJob_PayloadIdentityAfterSuccess_WithinPeriod_RefusedUntilThePeriodEnds()
    {
        var clock = new JumpingClock();
        HostClock = clock;
        await using var host = await StartHostAsync();
        var key = NewKey();
        var options = new DispatchOptions { UniqueByPayload = true, UniqueFor = TimeSpan.FromHours(1) };

        var first = await host.WaitForFinalAsync((await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), options)).Id);
        var refused = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), options);
        clock.Jump(TimeSpan.FromHours(1));
        var after = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), options);
        var afterFinal = await host.WaitForFinalAsync(after.Id);

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(refused.Deduplicated, Is.True);
            Assert.That(refused.Id, Is.EqualTo(first.Id));
            Assert.That(refused.Status, Is.EqualTo(JobStatus.Succeeded), "the caller sees the job that already ran");
            Assert.That(after.Deduplicated, Is.False, "the period is over");
            Assert.That(afterFinal.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(Probes.RunCount(key), Is.EqualTo(2));
        });
    }

    /// <summary>Held for ever, a payload identity never runs again, however much time passes.</summary>
    [Test]
    public async Task DispatchJob_PayloadIdentityAfterSuccess_Forever_NeverRunsAgain()
    {
        var clock = new JumpingClock();
        HostClock = clock;
        await using var host = await StartHostAsync();
        var key = NewKey();
        var options = new DispatchOptions { UniqueByPayload = true, UniqueFor = DispatchOptions.Forever };

        var first = await host.WaitForFinalAsync((await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), options)).Id);
        clock.Jump(TimeSpan.FromDays(400));
        var again = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), options);

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(first.UniqueUntil, Is.EqualTo(DateTimeOffset.MaxValue));
            Assert.That(again.Deduplicated, Is.True);
            Assert.That(again.Id, Is.EqualTo(first.Id));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }
}
