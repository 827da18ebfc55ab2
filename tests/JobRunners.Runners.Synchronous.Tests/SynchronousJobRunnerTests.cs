using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.Synchronous.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class SynchronousJobRunnerTests : RunnerTestBase
{
    protected override string RunnerName => "sync";

    protected override bool RunsInline => true;

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddSynchronousRunner();

    [Test]
    public async Task DispatchJob_AlwaysFails_ReturnsFailedRowAfterAllAttempts()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        var row = await host.Runner.DispatchJobAsync(ProbeHandlers.FailingJob, new ProbePayload(key));

        Assert.Multiple(() =>
        {
            Assert.That(row.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(row.Attempts, Is.EqualTo(3));
            Assert.That(row.LastError, Does.Contain("always fails"));
            Assert.That(Probes.RunCount(key), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task DispatchJob_WaitForBackoff_WaitsBetweenAttempts()
    {
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:Sync:WaitForBackoff"] = "true" });
        var started = DateTime.UtcNow;

        var row = await host.Runner.DispatchJobAsync(ProbeHandlers.FlakyJob, new ProbePayload(NewKey(), 3));

        Assert.Multiple(() =>
        {
            Assert.That(row.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(row.Attempts, Is.EqualTo(3));
            // The probe's policy waits 50 ms, then 100 ms, with no jitter.
            Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150)));
        });
    }

    [Test]
    public async Task DispatchTask_HandlerThrows_ExceptionReachesCallerUnwrapped()
    {
        await using var host = await StartHostAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await host.Runner.DispatchTaskAsync(ProbeHandlers.FailingTask, new ProbePayload("k")));

        Assert.That(error!.Message, Is.EqualTo("probe task k failed"));
    }
}
