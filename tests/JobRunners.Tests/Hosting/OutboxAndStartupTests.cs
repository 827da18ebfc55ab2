using JobRunners.Conformance;
using JobRunners.Tests.CustomRunner;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace JobRunners.Tests.Hosting;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class OutboxAndStartupTests : RunnerTestBase
{
    protected override string RunnerName => "thread-pool";

    protected override void AddRunner(JobRunnersBuilder jobs) =>
        jobs.AddRunner<FlakyThreadPoolTransport>("thread-pool");

    [Test]
    public async Task DispatchJob_BackendDown_ThrowsWithRowIdAndOutboxDeliversLater()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        var error = await Assert.ThrowsAsync<JobDispatchException>(async () => await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key)));
        var id = error!.JobId!.Value;
        var saved = await host.Store.GetAsync(id);
        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain($"Job {id}").And.Contain("backend unreachable").And.Contain("outbox"));
            Assert.That(saved!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(saved.DispatchedAt, Is.Null);
        });

        // The first outbox round fails too (second failed send); the next one delivers.
        var final = await host.WaitForFinalAsync(id);
        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.DispatchedAt, Is.Not.Null);
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task DispatchJobs_BatchWithBadItems_ReportsEachItemsFate()
    {
        await using var host = await StartHostAsync();

        var results = await host.Runner.DispatchJobsAsync(
        [
            new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(NewKey())),
            new JobDispatch("kit.missing", new ProbePayload(NewKey())),
            new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(NewKey(), -3)),
            new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(NewKey())),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(results[0].Error, Is.InstanceOf<JobDispatchException>(), "first send fails: row kept for the outbox");
            Assert.That(results[0].Job, Is.Not.Null);
            Assert.That(results[1].Error, Is.InstanceOf<UnknownHandlerException>());
            Assert.That(results[2].Error, Is.InstanceOf<PayloadValidationException>());
            Assert.That(results[3].Error, Is.InstanceOf<JobDispatchException>(), "second send fails too");
        });
    }

    [Test]
    public async Task Startup_RunnerMissingSettings_FailsNamingRunnerAndEverySetting()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["JOB_RUNNER"] = "picky" });
        builder.Services.AddJobRunners(builder.Configuration, jobs => jobs
            .UseSqlite(Path.Combine(Path.GetTempPath(), $"jr-{Guid.NewGuid():N}.db"))
            .AddRunner<PickyTransport>("picky"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<RunnerNotConfiguredException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("'picky'").And.Contain("PICKY_URL").And.Contain("PICKY_TOKEN"));
    }

    [Test]
    public async Task Startup_InvalidSharedSettings_ReportsAllProblemsTogether()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JobRunners:Lease"] = "00:00:00.1",
            ["JobRunners:Retry:MaxAttempts"] = "0",
            ["JobRunners:Sqlite:Path"] = Path.Combine(Path.GetTempPath(), $"jr-{Guid.NewGuid():N}.db"),
        });
        builder.Services.AddJobRunners(builder.Configuration, jobs => jobs.UseSqlite().AddInProcessRunner());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Failures, Has.Some.Contain("Lease").And.Some.Contain("MaxAttempts"));
    }

    private sealed class PickyTransport : IJobTransport
    {
        public RunnerConfiguration CheckConfiguration(string runnerName) => new(runnerName,
        [
            new MissingSetting("PICKY_URL", "the endpoint to send to"),
            new MissingSetting("PICKY_TOKEN", "the access token"),
        ]);

        public ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not configured");

        public ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not configured");
    }
}
