using System.Diagnostics;
using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Runners.AzureQueue.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class AzureQueueJobRunnerTests : RunnerTestBase
{
    private readonly string _queue = Azurite.NewQueueName("runner");
    private readonly string _store = Path.Combine(Path.GetTempPath(), $"jobrunners-azq-{Guid.NewGuid():N}.db");

    protected override string RunnerName => "azure-queue";

    [OneTimeSetUp]
    public static Task RequireAzurite() => Azurite.RequireAsync();

    [TearDown]
    public async Task Cleanup()
    {
        await Azurite.DeleteQueuesAsync(_queue);
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_store + suffix);
        }
    }

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddAzureQueueRunner();

    protected override void AddSettings(IDictionary<string, string?> settings) => AzureQueueTestSettings.Add(settings, _queue);

    [Test]
    public async Task DispatchJob_QueueMissingThenCreated_OutboxResendsAndJobSucceeds()
    {
        var key = NewKey();
        long id;
        await using (var dispatcher = await StartHostAsync(Settings(worker: false)))
        {
            var error = await Assert.ThrowsAsync<JobDispatchException>(async () => await dispatcher.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key)));
            Assert.That(error!.JobId, Is.Not.Null);
            Assert.That(error.Message, Does.Contain($"Azure queue '{_queue}' does not exist"));
            id = error.JobId!.Value;
            var row = await dispatcher.Store.GetAsync(id);
            Assert.Multiple(() =>
            {
                Assert.That(row!.Status, Is.EqualTo(JobStatus.Queued));
                Assert.That(row.DispatchedAt, Is.Null);
            });

            // The service comes back: the outbox hands the row over on its next round.
            await Azurite.Client(_queue).CreateAsync();
            await dispatcher.WaitUntilAsync(async () => (await dispatcher.Store.GetAsync(id))?.DispatchedAt is not null, "the outbox to re-send the job");
            Assert.That(await Azurite.CountAsync(_queue), Is.EqualTo(1));
        }

        await using var worker = await StartHostAsync(Settings(worker: true));
        var final = await worker.WaitForFinalAsync(id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(1));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Dispatch_ServiceUnreachable_FailsSayingSoAndKeepsJobRowForOutbox()
    {
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:Worker:Enabled"] = "false",
            ["JobRunners:AzureQueue:ConnectionString"] = Azurite.ConnectionString.Replace("127.0.0.1:10001", "127.0.0.1:1", StringComparison.Ordinal),
        });

        var taskError = await Assert.ThrowsAsync<JobDispatchException>(async () => await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(NewKey())));
        var jobError = await Assert.ThrowsAsync<JobDispatchException>(async () => await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey())));

        Assert.Multiple(async () =>
        {
            Assert.That(taskError!.JobId, Is.Null);
            Assert.That(taskError.Message, Does.Contain("could not be reached").And.Contain(ProbeHandlers.CountTask));
            Assert.That(jobError!.Message, Does.Contain("could not be reached").And.Contain("outbox"));
            Assert.That((await host.Store.GetAsync(jobError.JobId!.Value))!.DispatchedAt, Is.Null);
        });
    }

    [Test]
    public async Task DispatchJob_WithDelay_MessageInvisibleUntilDue()
    {
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:Worker:Enabled"] = "false" });
        var clock = Stopwatch.StartNew();

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { Delay = TimeSpan.FromSeconds(3) });
        var peekedAtOnce = (await Azurite.Client(_queue).PeekMessagesAsync(32)).Value.Length;
        var stored = await Azurite.CountAsync(_queue);
        Azure.Storage.Queues.Models.PeekedMessage[] visible = [];
        await host.WaitUntilAsync(async () => (visible = (await Azurite.Client(_queue).PeekMessagesAsync(32)).Value).Length > 0, "the message to become visible");
        var visibleAfter = clock.Elapsed;

        Assert.Multiple(() =>
        {
            Assert.That(job.DispatchedAt, Is.Not.Null, "a delay under 7 days is held by the queue");
            Assert.That(peekedAtOnce, Is.Zero, "invisible at first");
            Assert.That(stored, Is.EqualTo(1), "but in the queue");
            Assert.That(visibleAfter, Is.GreaterThan(TimeSpan.FromSeconds(2.5)));
            Assert.That(JobEnvelope.Parse(visible.Single().Body.ToString()).JobId, Is.EqualTo(job.Id));
            Assert.That(visible.Single().ExpiresOn, Is.GreaterThan(DateTimeOffset.UtcNow.AddYears(100)), "a job's message never expires");
        });
    }

    [Test]
    public async Task DispatchJob_DelayBeyondSevenDays_WaitsInRowForOutbox()
    {
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:Worker:Enabled"] = "false" });

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { Delay = TimeSpan.FromDays(8) });

        Assert.That(job.DispatchedAt, Is.Null);
        Assert.That((await host.Store.GetAsync(job.Id))!.DispatchedAt, Is.Null);
    }

    [Test]
    public async Task DispatchTask_OverSize_ThrowsPayloadTooLargeAndSendsNothing()
    {
        await using var host = await StartHostAsync();

        var error = await Assert.ThrowsAsync<PayloadTooLargeException>(async () =>
            await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(new string('x', 50_000))));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Limit, Is.EqualTo(65_536));
            Assert.That(error.Size, Is.GreaterThan(65_536));
            Assert.That(error.Runner, Is.EqualTo("azure-queue"));
            Assert.That(error.Message, Does.Contain(ProbeHandlers.CountTask));
            Assert.That(await Azurite.CountAsync(_queue), Is.Zero);
        });
    }

    [Test]
    public async Task DispatchTask_JustUnderSizeLimit_IsAcceptedAndRuns()
    {
        await using var host = await StartHostAsync();

        // The envelope around the key is under 100 bytes: 48 KiB of text is 64 KiB once Base64-encoded.
        var key = NewKey() + new string('k', (48 * 1024) - 32 - 100);
        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(key));

        await host.WaitUntilAsync(() => Task.FromResult(Probes.RunCount(key) == 1), "the large task to run");
    }

    [Test]
    public async Task DispatchTasks_BatchWithOneOverSize_ReportsOnlyThatItem()
    {
        await using var host = await StartHostAsync();
        var keys = Enumerable.Range(0, 40).Select(_ => NewKey()).ToList();
        keys[7] = new string('x', 60_000);

        var results = await host.Runner.DispatchTasksAsync(keys.Select(k => new TaskDispatch(ProbeHandlers.CountTask, new ProbePayload(k))).ToList());

        Assert.That(results[7].Error, Is.TypeOf<PayloadTooLargeException>());
        Assert.That(results.Where((_, i) => i != 7).Select(r => r.Error), Is.All.Null);
        await host.WaitUntilAsync(() => Task.FromResult(keys.Where((_, i) => i != 7).All(k => Probes.RunCount(k) == 1)), "the other tasks to run");
    }

    [Test]
    public async Task CheckConfiguration_NothingSet_NamesConnectionStringAndQueueNameWithTheirFlatNames()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["JobRunners:AzureQueue:ConnectionString"] = null,
            ["JobRunners:AzureQueue:QueueName"] = " ",
        });

        var error = await Assert.ThrowsAsync<RunnerNotConfiguredException>(async () => await host.StartAsync());

        Assert.That(error!.Configuration.Missing.Select(m => m.Name), Is.EquivalentTo(new[] { "JobRunners:AzureQueue:ConnectionString", "JobRunners:AzureQueue:QueueName" }));
        Assert.That(error.Message, Does.Contain("AZURE_STORAGE_CONNECTION_STRING").And.Contain("ConnectionStrings:AzureStorage").And.Contain("JOBRUNNERS_AZURE_QUEUE_NAME"));
    }

    [TestCase("AZURE_STORAGE_CONNECTION_STRING")]
    [TestCase("ConnectionStrings:AzureStorage")]
    public void CheckConfiguration_FlatNames_FullyConfigured(string connectionStringName)
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["JobRunners:AzureQueue:ConnectionString"] = null,
            ["JobRunners:AzureQueue:QueueName"] = null,
            [connectionStringName] = Azurite.ConnectionString,
            ["JOBRUNNERS_AZURE_QUEUE_NAME"] = _queue,
        });

        var check = host.Services.GetRequiredService<IJobRunner>().CheckConfiguration();

        Assert.That(check.FullyConfigured, Is.True, check.ToString());
    }

    [Test]
    public void CheckConfiguration_UnusableValues_ReportsEveryOneTogether()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["JobRunners:AzureQueue:ConnectionString"] = "not a connection string",
            ["JobRunners:AzureQueue:QueueName"] = "Jobs_Queue",
            ["JobRunners:AzureQueue:MaxDequeueCount"] = "0",
            ["JobRunners:AzureQueue:Worker:VisibilityTimeout"] = "00:00:00.500",
        });

        var error = Assert.Throws<RunnerNotConfiguredException>(() => host.Services.GetRequiredService<IJobRunner>());

        Assert.That(error!.Configuration.Missing.Select(m => m.Name), Is.SupersetOf(new[]
        {
            "JobRunners:AzureQueue:ConnectionString",
            "JobRunners:AzureQueue:QueueName",
            "JobRunners:AzureQueue:MaxDequeueCount",
            "JobRunners:AzureQueue:Worker",
        }));
        Assert.That(error.Message, Does.Contain("'Jobs_Queue' is not a valid queue name").And.Contain("VisibilityTimeout"));
    }

    private Dictionary<string, string?> Settings(bool worker) => new()
    {
        ["JobRunners:Sqlite:Path"] = _store,
        ["JobRunners:Worker:Enabled"] = worker ? "true" : "false",
        ["JobRunners:AzureQueue:CreateQueueIfNotExists"] = "false",
    };
}
