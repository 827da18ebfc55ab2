using JobRunners.Conformance;
using JobRunners.Tests.CustomRunner;
using NUnit.Framework;

namespace JobRunners.Tests.Hosting;

/// <summary>How a dispatch chooses its identity: key or payload, the job type's defaults, and the errors for what cannot be held.</summary>
[TestFixture]
public sealed class DeduplicationTests : RunnerTestBase
{
    private const string ByPayloadJob = "tests.by-payload";
    private const string MapJob = "tests.map";

    protected override string RunnerName => "thread-pool";

    protected override void AddRunner(JobRunnersBuilder jobs)
    {
        jobs.AddRunner<ThreadPoolTransport>("thread-pool");
        jobs.AddJob<ProbePayload>(ByPayloadJob, (_, _, _) => ValueTask.CompletedTask, type =>
        {
            type.UniqueByPayload = true;
            type.UniqueFor = TimeSpan.FromHours(1);
            type.UniquePerQueue = true;
        });
        jobs.AddJob<MapPayload>(MapJob, (_, _, _) => ValueTask.CompletedTask);
    }

    [Test]
    public async Task Dispatch_KeyAndPayloadIdentityBoth_RefusedNamingTheFieldAndNothingWritten()
    {
        await using var host = await StartHostAsync();

        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () => await host.Runner.DispatchJobAsync(
            ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { UniqueKey = "k", UniqueByPayload = true }));

        Assert.That(error!.Field, Is.EqualTo("DispatchOptions.UniqueByPayload"));
        Assert.That(error.Message, Does.Contain("set one"));
        Assert.That(await host.Store.ListAsync(new JobQuery()), Is.Empty);
    }

    [Test]
    public async Task Dispatch_PeriodWithoutIdentity_RefusedNamingTheField()
    {
        await using var host = await StartHostAsync();

        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () => await host.Runner.DispatchJobAsync(
            ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { UniqueFor = TimeSpan.FromHours(1) }));

        Assert.That(error!.Field, Is.EqualTo("DispatchOptions.UniqueFor"));
        Assert.That(error.Message, Does.Contain("UniqueKey").And.Contain("UniqueByPayload"));
    }

    [TestCase(-1L)]
    [TestCase(0L)]
    public async Task Dispatch_PeriodNotPositive_RefusedSayingWhatToGive(long ticks)
    {
        await using var host = await StartHostAsync();

        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () => await host.Runner.DispatchJobAsync(
            ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { UniqueKey = "k", UniqueFor = TimeSpan.FromTicks(ticks) }));

        Assert.That(error!.Field, Is.EqualTo("DispatchOptions.UniqueFor"));
        Assert.That(error.Message, Does.Contain("DispatchOptions.Forever"));
    }

    [Test]
    public async Task Dispatch_JobTypeDefaults_PayloadIdentityPerQueueForItsPeriod()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        var first = await host.Runner.DispatchJobAsync(ByPayloadJob, new ProbePayload(key));
        var same = await host.Runner.DispatchJobAsync(ByPayloadJob, new ProbePayload(key));
        var otherQueue = await host.Runner.DispatchJobAsync(ByPayloadJob, new ProbePayload(key), new DispatchOptions { QueueName = "elsewhere" });
        var otherPayload = await host.Runner.DispatchJobAsync(ByPayloadJob, new ProbePayload(key, 2));
        var explicitKey = await host.Runner.DispatchJobAsync(ByPayloadJob, new ProbePayload(key), new DispatchOptions { UniqueKey = "run-it-again" });

        Assert.Multiple(() =>
        {
            Assert.That(first.UniqueKey, Does.Match("^sha256:[0-9a-f]{64}$"));
            Assert.That(first.UniqueUntil, Is.EqualTo(first.CreatedAt.AddHours(1)), "the job type's period");
            Assert.That(first.UniquePerQueue, Is.True);
            Assert.That((same.Deduplicated, same.Id), Is.EqualTo((true, first.Id)));
            Assert.That(otherQueue.Deduplicated, Is.False, "per queue: another queue is another job");
            Assert.That(otherPayload.Deduplicated, Is.False);
            Assert.That(explicitKey.Deduplicated, Is.False, "an explicit key wins over the payload identity, to run the same data again");
            Assert.That(explicitKey.UniqueKey, Is.EqualTo("run-it-again"));
        });
    }

    [Test]
    public async Task Dispatch_DispatchPeriodWinsOverTheJobTypes()
    {
        await using var host = await StartHostAsync();

        var job = await host.Runner.DispatchJobAsync(ByPayloadJob, new ProbePayload(NewKey()), new DispatchOptions { UniqueFor = DispatchOptions.Forever });

        Assert.That(job.UniqueUntil, Is.EqualTo(DateTimeOffset.MaxValue));
    }

    [Test]
    public async Task Dispatch_PayloadIdentity_IgnoresMemberOrderAndTellsDifferentValuesApart()
    {
        await using var host = await StartHostAsync();
        var options = new DispatchOptions { UniqueByPayload = true, Delay = TimeSpan.FromHours(1) };

        var first = await host.Runner.DispatchJobAsync(MapJob, new MapPayload(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 }), options);
        var reordered = await host.Runner.DispatchJobAsync(MapJob, """{"values":{"b":2,"a":1}}""", options);
        var different = await host.Runner.DispatchJobAsync(MapJob, new MapPayload(new Dictionary<string, int> { ["a"] = 1, ["b"] = 3 }), options);

        Assert.Multiple(() =>
        {
            Assert.That((reordered.Deduplicated, reordered.Id), Is.EqualTo((true, first.Id)));
            Assert.That(different.Deduplicated, Is.False);
            Assert.That(different.UniqueKey, Is.Not.EqualTo(first.UniqueKey));
        });
    }

    /// <summary>A payload whose JSON object keeps the caller's member order.</summary>
    public sealed record MapPayload(Dictionary<string, int> Values);
}
