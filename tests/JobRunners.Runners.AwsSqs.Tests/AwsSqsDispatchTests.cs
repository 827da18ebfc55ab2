using Amazon.SQS.Model;
using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>The dispatching side: the outbox after a failed send, batch calls, and message size limits.</summary>
[TestFixture]
public sealed class AwsSqsDispatchTests : SqsRunnerTestBase
{
    [Test]
    public async Task DispatchJob_QueueMissingThenCreated_OutboxSendsAndJobSucceeds()
    {
        // Learn the URL the service gives this name, then remove the queue: sends to it fail until it is back.
        var name = LocalSqs.UniqueName("late");
        var url = await LocalSqs.CreateQueueAsync(name);
        Queues.Track(url);
        await LocalSqs.DeleteQueueAsync(url);
        var store = NewStorePath();
        var shared = new Dictionary<string, string?> { ["JobRunners:AwsSqs:QueueUrl"] = url, ["JobRunners:Sqlite:Path"] = store };
        var key = NewKey();

        // A dispatch-only process: its worker would stop at once on the missing queue.
        await using var dispatcher = await StartHostAsync(new Dictionary<string, string?>(shared) { ["JobRunners:Worker:Enabled"] = "false" });
        var error = await Assert.ThrowsAsync<JobDispatchException>(async () => await dispatcher.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key)));
        var row = await dispatcher.Store.GetAsync(error!.JobId!.Value);
        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain($"Job {error.JobId}"));
            Assert.That(row!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(row.DispatchedAt, Is.Null);
        });

        await LocalSqs.CreateQueueAsync(name);
        await dispatcher.WaitUntilAsync(async () => (await dispatcher.Store.GetAsync(row!.Id))?.DispatchedAt is not null, "the outbox to send the job");
        await using var worker = await StartHostAsync(shared);
        var final = await worker.WaitForFinalAsync(row!.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(1));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Finding11_ServiceUnresponsive_DispatchFailsFastWithRowLeftToOutbox()
    {
        // SQS accepts connections and never answers: only the per-try timeout and the bounded retries end the call
        // (the SDK's defaults would hold it for minutes).
        await using var service = new UnresponsiveEndpoint();
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:AwsSqs:ServiceUrl"] = service.Url.ToString(),
            ["JobRunners:AwsSqs:QueueUrl"] = new Uri(service.Url, "/000000000000/unresponsive").ToString(),
            ["JobRunners:AwsSqs:RequestTimeout"] = "00:00:01",
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
            Assert.That(error.Message, Does.Contain($"Job {error.JobId}").And.Contain("outbox re-sends it"));
            Assert.That(row!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(row.DispatchedAt, Is.Null, "left to the outbox");
        });
    }

    [Test]
    public async Task DispatchJobs_TwentyFiveJobs_SentInThreeBatchCalls()
    {
        await using var host = await StartHostAsync();
        var traffic = Watch(host);
        var keys = Enumerable.Range(0, 25).Select(_ => NewKey()).ToList();

        var results = await host.Runner.DispatchJobsAsync(keys.Select(k => new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(k))).ToList());
        foreach (var result in results)
        {
            Assert.That((await host.WaitForFinalAsync(result.Job!.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
        }

        var batches = traffic.Requests.OfType<SendMessageBatchRequest>().Select(b => b.Entries.Count).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Error?.Message), Is.All.Null);
            Assert.That(results.Select(r => r.Job!.DispatchedAt), Is.All.Not.Null);
            Assert.That(batches, Is.EqualTo(new[] { 10, 10, 5 }));
            Assert.That(traffic.Count<SendMessageRequest>(), Is.Zero);
            Assert.That(keys.Select(Probes.RunCount), Is.All.EqualTo(1));
        });
    }

    [Test]
    public async Task DispatchTask_OverQueueMaximumMessageSize_ThrowsPayloadTooLargeNamingLimit()
    {
        QueueUrl = await Queues.CreateAsync("size", new() { ["MaximumMessageSize"] = "262144" });
        await using var host = await StartHostAsync();
        var small = NewKey();

        var error = await Assert.ThrowsAsync<PayloadTooLargeException>(async () =>
            await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(new string('x', 300_000))));
        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(small));

        await host.WaitUntilAsync(() => Task.FromResult(Probes.RunCount(small) == 1), "the small task to run");
        Assert.Multiple(() =>
        {
            Assert.That(error!.Limit, Is.EqualTo(262_144));
            Assert.That(error.Size, Is.GreaterThan(300_000));
            Assert.That(error.Message, Does.Contain("262,144").And.Contain("as a job"));
        });
    }

    [Test]
    public async Task DispatchTasks_OneOverSize_OnlyThatItemFails()
    {
        QueueUrl = await Queues.CreateAsync("size-batch", new() { ["MaximumMessageSize"] = "2048" });
        await using var host = await StartHostAsync();
        var keys = new[] { NewKey(), new string('y', 3000), NewKey() };

        var results = await host.Runner.DispatchTasksAsync(keys.Select(k => new TaskDispatch(ProbeHandlers.CountTask, new ProbePayload(k))).ToList());

        await host.WaitUntilAsync(() => Task.FromResult(Probes.RunCount(keys[0]) == 1 && Probes.RunCount(keys[2]) == 1), "the other tasks to run");
        Assert.Multiple(() =>
        {
            Assert.That(results[0].Succeeded && results[2].Succeeded, Is.True);
            Assert.That(results[1].Error, Is.InstanceOf<PayloadTooLargeException>());
            Assert.That(((PayloadTooLargeException)results[1].Error!).Limit, Is.EqualTo(2048));
        });
    }

    [Test]
    public async Task DispatchTasks_SqsRejectsOneEntry_ReportsThatItemOnly()
    {
        await using var host = await StartHostAsync();

        // The runner reads the limit once (1 MiB here); lowering it afterwards makes SQS itself reject an entry.
        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(NewKey()));
        await LocalSqs.Client.SetQueueAttributesAsync(QueueUrl, new Dictionary<string, string> { ["MaximumMessageSize"] = "1024" });
        var keys = new[] { NewKey(), new string('z', 2000), NewKey() };

        var results = await host.Runner.DispatchTasksAsync(keys.Select(k => new TaskDispatch(ProbeHandlers.CountTask, new ProbePayload(k))).ToList());

        await host.WaitUntilAsync(() => Task.FromResult(Probes.RunCount(keys[0]) == 1 && Probes.RunCount(keys[2]) == 1), "the accepted tasks to run");
        Assert.Multiple(() =>
        {
            Assert.That(results[0].Succeeded && results[2].Succeeded, Is.True);
            Assert.That(results[1].Error, Is.InstanceOf<JobDispatchException>());
            Assert.That(results[1].Error!.Message, Does.Contain("InvalidParameterValue"));
        });
    }
}
