using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace JobRunners.Runners.AzureQueue.Tests;

/// <summary>Messages the worker cannot act on are parked with a reason, never silently deleted, and never stall good work.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class AzureQueueFindingTests : RunnerTestBase
{
    private readonly string _queue = Azurite.NewQueueName("finding");

    protected override string RunnerName => "azure-queue";

    [OneTimeSetUp]
    public static Task RequireAzurite() => Azurite.RequireAsync();

    [TearDown]
    public Task Cleanup() => Azurite.DeleteQueuesAsync(_queue);

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddAzureQueueRunner();

    protected override void AddSettings(IDictionary<string, string?> settings) => AzureQueueTestSettings.Add(settings, _queue);

    [Test]
    public async Task Finding02_RowMissing_MessageParkedInPoisonQueueWithWarning()
    {
        var warned = new LogSignal("no such row");
        await using var host = await StartHostAsync(configure: jobs => jobs.Services.AddSingleton<ILoggerProvider>(warned));
        var message = """{"v":1,"kind":"job","name":"kit.ok","jobId":987654321,"attempt":1}""";
        await Azurite.Client(_queue).CreateIfNotExistsAsync();
        await Azurite.Client(_queue).SendMessageAsync(message);

        var warning = await warned.Seen.WaitAsync(Timeout);
        await host.WaitUntilAsync(async () => await Azurite.CountAsync(_queue + "-poison") == 1, "the message in the poison queue");
        await host.WaitUntilAsync(async () => await Azurite.CountAsync(_queue) == 0, "the main queue to empty");

        var parked = (await Azurite.Client(_queue + "-poison").PeekMessagesAsync(1)).Value.Single().Body.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(warning, Does.Contain("987654321").And.Contain("sqlite"));
            Assert.That(parked, Is.EqualTo(message), "parked as it was, so it can be moved back once the store is fixed");
        });
    }

    [Test]
    public async Task Finding08_EnvelopeFieldOfWrongType_ParkedWhileValidJobsRun()
    {
        await using var host = await StartHostAsync();
        await Azurite.Client(_queue).CreateIfNotExistsAsync();
        for (var i = 0; i < 3; i++)
        {
            await Azurite.Client(_queue).SendMessageAsync("""{"v":1,"kind":"job","name":"greet","jobId":"5"}""");
        }

        var keys = Enumerable.Range(0, 4).Select(_ => NewKey()).ToList();
        var jobs = new List<JobRequest>();
        foreach (var key in keys)
        {
            jobs.Add(await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key)));
        }

        foreach (var job in jobs)
        {
            Assert.That((await host.WaitForFinalAsync(job.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
        }

        await host.WaitUntilAsync(async () => await Azurite.CountAsync(_queue + "-poison") == 3, "the malformed messages in the poison queue");
        await host.WaitUntilAsync(async () => await Azurite.CountAsync(_queue) == 0, "the main queue to empty");
        Assert.That(keys.Select(Probes.RunCount), Is.All.EqualTo(1));
    }

    [Test]
    public async Task Finding11_ServiceUnresponsive_DispatchFailsFastWithRowLeftToOutbox()
    {
        // The service accepts connections and never answers: only the per-try timeout and the bounded retries end
        // the call (the SDK's defaults would hold it for minutes).
        await using var service = new UnresponsiveEndpoint();
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:AzureQueue:ConnectionString"] = System.Text.RegularExpressions.Regex.Replace(Azurite.ConnectionString, "QueueEndpoint=http://[^/;]+", $"QueueEndpoint=http://127.0.0.1:{service.Port}"),
            ["JobRunners:AzureQueue:RequestTimeout"] = "00:00:01",
            ["JobRunners:Worker:Enabled"] = "false",
            ["JobRunners:MaintenanceInterval"] = "01:00:00",
        });

        var dispatch = host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey())).AsTask();

        // A guard only: three 1 s tries and their pauses end the call long before it.
        var error = await Assert.ThrowsAsync<JobDispatchException>(async () => await dispatch.WaitAsync(TimeSpan.FromSeconds(60)));
        var row = await host.Store.GetAsync(error!.JobId!.Value);
        Assert.Multiple(() =>
        {
            Assert.That(service.Accepted, Is.GreaterThan(0), "the requests reached the unresponsive service");
            Assert.That(error.Message, Does.Contain(error.JobId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("outbox re-sends it"));
            Assert.That(row!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(row.DispatchedAt, Is.Null, "left to the outbox");
        });
    }

    [Test]
    public async Task Finding11_ServiceDown_DispatchFailsWithRowLeftToOutbox()
    {
        // Nothing listens on port 9 (discard): the queue service is down.
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:AzureQueue:ConnectionString"] = System.Text.RegularExpressions.Regex.Replace(Azurite.ConnectionString, "QueueEndpoint=http://[^/;]+", "QueueEndpoint=http://127.0.0.1:9"),
            ["JobRunners:Worker:Enabled"] = "false",
            ["JobRunners:MaintenanceInterval"] = "01:00:00",
        });

        var error = await Assert.ThrowsAsync<JobDispatchException>(async () => await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey())));

        var row = await host.Store.GetAsync(error!.JobId!.Value);
        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("outbox re-sends it"));
            Assert.That(row!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(row.DispatchedAt, Is.Null, "left to the outbox");
        });
    }
}
