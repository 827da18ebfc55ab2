using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Tests.CustomRunner;

/// <summary>A runner written as a transport only passes the same conformance kit as the shipped runners, outbox included.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class ThreadPoolTransportConformanceTests : RunnerConformanceTests
{
    protected override string RunnerName => "thread-pool-transport";

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddRunner<ThreadPoolTransport>("thread-pool-transport");
}

/// <summary>A transport's refused send leaves the row to the outbox, which delivers it once the backend takes it.</summary>
[TestFixture]
public sealed class TransportOutboxTests : RunnerTestBase
{
    protected override string RunnerName => "flaky-transport";

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddRunner<FlakyThreadPoolTransport>("flaky-transport");

    [Test]
    public async Task DispatchJob_TransportRefuses_ThrowsWithRowIdAndOutboxDeliversLater()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        var error = await Assert.ThrowsAsync<JobDispatchException>(async () => await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key)));
        var saved = await host.Store.GetAsync(error!.JobId!.Value);
        Assert.That((saved!.Status, saved.DispatchedAt), Is.EqualTo((JobStatus.Queued, (DateTimeOffset?)null)));

        var final = await host.WaitForFinalAsync(saved.Id);
        Assert.That((final.Status, Probes.RunCount(key)), Is.EqualTo((JobStatus.Succeeded, 1)));
    }
}
