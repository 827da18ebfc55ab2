using System.Diagnostics;
using System.Text;
using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Runners.AzureQueue.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class AzureQueueWorkerTests : RunnerTestBase
{
    private readonly string _queue = Azurite.NewQueueName("worker");
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

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddAzureQueueRunner().AddTestHandlers();

    protected override void AddSettings(IDictionary<string, string?> settings) => AzureQueueTestSettings.Add(settings, _queue);

    [Test]
    public async Task Worker_SameEnvelopeDeliveredTwice_RunsJobOnce()
    {
        var key = NewKey();
        JobRequest job;
        await using (var dispatcher = await StartHostAsync(Settings(worker: false)))
        {
            job = await dispatcher.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key));
        }

        // The queue delivers at least once: the very same envelope arrives twice.
        await Azurite.Client(_queue).SendMessageAsync(JobEnvelope.ForJob(job).Serialize());
        Assert.That(await Azurite.CountAsync(_queue), Is.EqualTo(2));

        await using var worker = await StartHostAsync(Settings(worker: true));
        var final = await worker.WaitForFinalAsync(job.Id);
        await worker.WaitUntilAsync(async () => await Azurite.CountAsync(_queue) == 0, "both copies to be deleted");

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(1));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Worker_MalformedMessages_GoToPoisonQueueWhileGoodMessagesRun()
    {
        await using var host = await StartHostAsync();
        await Azurite.Client(_queue).CreateIfNotExistsAsync();
        await Azurite.Client(_queue).SendMessageAsync("this is not an envelope");
        await Azurite.Client(_queue).SendMessageAsync("""{"v":1,"kind":"task","name":"azure.no-such-task","payload":{}}""");
        await Azurite.RawClient(_queue).SendMessageAsync("%% written without Base64 %%");
        var keys = Enumerable.Range(0, 5).Select(_ => NewKey()).ToList();
        foreach (var key in keys)
        {
            await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(key));
        }

        await host.WaitUntilAsync(() => Task.FromResult(keys.All(k => Probes.RunCount(k) == 1)), "the good tasks to run");
        await host.WaitUntilAsync(async () => await Azurite.CountAsync(_queue + "-poison") == 3, "three messages in the poison queue");
        await host.WaitUntilAsync(async () => await Azurite.CountAsync(_queue) == 0, "the main queue to empty");

        var parked = (await Azurite.RawClient(_queue + "-poison").PeekMessagesAsync(10)).Value.Select(m => m.Body.ToString()).ToList();
        Assert.That(parked, Is.EquivalentTo(new[]
        {
            Convert.ToBase64String(Encoding.UTF8.GetBytes("this is not an envelope")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"v":1,"kind":"task","name":"azure.no-such-task","payload":{}}""")),
            "%% written without Base64 %%",
        }), "parked messages keep their text as stored");
    }

    [Test]
    public async Task Worker_TaskAlwaysFails_GoesToPoisonAfterMaxDequeueCountDeliveries()
    {
        var key = NewKey();
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:AzureQueue:MaxDequeueCount"] = "3",
            ["JobRunners:AzureQueue:Worker:VisibilityTimeout"] = "00:00:01",
        });

        await host.Runner.DispatchTaskAsync(TestHandlers.AlwaysFailingTask, new ProbePayload(key));
        await host.WaitUntilAsync(async () => await Azurite.CountAsync(_queue + "-poison") == 1, "the task to be parked");

        var parked = (await Azurite.Client(_queue + "-poison").PeekMessageAsync()).Value;
        Assert.Multiple(async () =>
        {
            Assert.That(TestHandlers.RunCount(key), Is.EqualTo(3), "one run per allowed delivery");
            Assert.That(JobEnvelope.Parse(parked.Body.ToString()).Payload, Does.Contain(key));
            Assert.That(await Azurite.CountAsync(_queue), Is.Zero);
        });
    }

    [Test]
    public async Task Worker_JobRetriedMoreOftenThanMaxDequeueCount_IsNotPoisoned()
    {
        var key = NewKey();
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:AzureQueue:MaxDequeueCount"] = "1" });

        // Three attempts mean three deliveries of one message: the row, not the dequeue count, limits a job.
        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.FlakyJob, new ProbePayload(key, 3));
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.Multiple(async () =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(3));
            Assert.That(await Azurite.CountAsync(_queue + "-poison"), Is.Zero);
        });
    }

    [Test]
    public async Task Worker_JobLongerThanVisibilityTimeout_StaysInvisibleAndRunsOnce()
    {
        var key = NewKey();
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:AzureQueue:Worker:VisibilityTimeout"] = "00:00:02",
            ["JobRunners:AzureQueue:Worker:HeartbeatInterval"] = "00:00:00.600",
        });
        var worker = host.Services.GetRequiredService<AzureQueueWorker>();

        var job = await host.Runner.DispatchJobAsync(TestHandlers.SlowJob, new ProbePayload(key, 5));
        await host.WaitUntilAsync(() => Task.FromResult(TestHandlers.RunCount(key) == 1), "the job to start");
        var started = Stopwatch.StartNew();
        var peeks = new List<int>();
        foreach (var at in new[] { 2.5, 4.0 })
        {
            await Task.Delay(TimeSpan.FromSeconds(at) - started.Elapsed);
            peeks.Add((await Azurite.Client(_queue).PeekMessagesAsync(32)).Value.Length);
        }

        var final = await host.WaitForFinalAsync(job.Id);
        var finished = Stopwatch.StartNew();
        await host.WaitUntilAsync(async () => await Azurite.CountAsync(_queue) == 0, "the message to be deleted");

        Assert.Multiple(() =>
        {
            Assert.That(peeks, Is.All.Zero, "the message stayed invisible past its 2 s visibility timeout");
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(1));
            Assert.That(TestHandlers.RunCount(key), Is.EqualTo(1), "delivered once");
            Assert.That(worker.Renewals, Is.GreaterThanOrEqualTo(5), "visibility extended on each heartbeat");

            // A stale pop receipt would fail the delete; the message would then reappear only after its visibility lapsed.
            Assert.That(finished.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1.2)), "deleted with the current pop receipt");
        });
    }

    [Test]
    public async Task Worker_QueueDeletedWhileRunning_StopsWithClearMessage()
    {
        await Azurite.Client(_queue).CreateAsync();
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:AzureQueue:CreateQueueIfNotExists"] = "false" });
        var worker = host.Services.GetRequiredService<AzureQueueWorker>();
        var key = NewKey();
        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(key));
        await host.WaitUntilAsync(() => Task.FromResult(Probes.RunCount(key) == 1), "the worker to run a task");

        await Azurite.RawClient(_queue).DeleteAsync();

        var error = await Assert.ThrowsAsync<JobRunnerException>(() => worker.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.That(error!.Message, Does.Contain($"Azure queue '{_queue}' does not exist").And.Contain("CreateQueueIfNotExists=true").And.Contain("stopped"));
    }

    private Dictionary<string, string?> Settings(bool worker) => new()
    {
        ["JobRunners:Sqlite:Path"] = _store,
        ["JobRunners:Worker:Enabled"] = worker ? "true" : "false",
    };
}
