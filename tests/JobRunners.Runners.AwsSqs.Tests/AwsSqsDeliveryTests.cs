using System.Text.Json;
using Amazon.SQS.Model;
using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>How the worker consumes: duplicates, visibility heartbeats, native delays, and stopping on fatal errors.</summary>
[TestFixture]
public sealed class AwsSqsDeliveryTests : SqsRunnerTestBase
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Test]
    public async Task SameMessageDeliveredTwice_BothReceived_JobRunsOnce()
    {
        await using var host = await StartHostAsync();
        var traffic = Watch(host);
        var key = NewKey();
        var inserted = await host.Store.InsertAsync(new NewJobRequest
        {
            JobType = SlowJob,
            QueueName = SlowJob,
            Payload = JsonSerializer.Serialize(new SlowPayload(key, 300), Web),
            MaxAttempts = 3,
            Runner = RunnerName,
            Dispatched = true,
        });
        var body = JobEnvelope.ForJob(inserted.Job).Serialize();

        // The at-least-once case by hand: the same envelope on the queue twice.
        await LocalSqs.Client.SendMessageAsync(QueueUrl, body);
        await LocalSqs.Client.SendMessageAsync(QueueUrl, body);

        var final = await host.WaitForFinalAsync(inserted.Job.Id);
        await host.WaitUntilAsync(() => Task.FromResult(traffic.Received.Count(m => m.Body == body) == 2), "both copies to be received");
        await host.WaitUntilAsync(async () => await MessagesLeftAsync(QueueUrl) == 0, "both copies to be deleted");

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(1));
            Assert.That(SlowRunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Worker_SameEnvelopeSentTwice_RunsJobOnce()
    {
        var shared = new Dictionary<string, string?> { ["JobRunners:Sqlite:Path"] = NewStorePath() };
        var key = NewKey();
        JobRequest job;
        await using (var dispatcher = await StartHostAsync(new Dictionary<string, string?>(shared) { ["JobRunners:Worker:Enabled"] = "false" }))
        {
            job = await dispatcher.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key));
        }

        // The queue delivers at least once: the very same envelope is on the queue twice.
        await LocalSqs.Client.SendMessageAsync(QueueUrl, JobEnvelope.ForJob(job).Serialize());
        Assert.That(await MessagesLeftAsync(QueueUrl), Is.EqualTo(2));

        await using var worker = await StartHostAsync(shared);
        var final = await worker.WaitForFinalAsync(job.Id);
        await worker.WaitUntilAsync(async () => await MessagesLeftAsync(QueueUrl) == 0, "both copies to be deleted");

        Assert.Multiple(() =>
        {
            Assert.That(job.DispatchedAt, Is.Not.Null, "the runner sent the first copy");
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(1));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task LongJob_RunsPastVisibilityTimeout_HeartbeatKeepsMessageInvisible()
    {
        QueueUrl = await Queues.CreateAsync("visibility", new() { ["VisibilityTimeout"] = "2" });
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:AwsSqs:Worker:VisibilityTimeout"] = "00:00:02",
            ["JobRunners:AwsSqs:Worker:HeartbeatInterval"] = "00:00:00.600",
        });
        var traffic = Watch(host);
        var key = NewKey();

        var job = await host.Runner.DispatchJobAsync(SlowJob, new SlowPayload(key, 5000));
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(traffic.Received, Has.Count.EqualTo(1), "the message was received again while its job ran");
            Assert.That(traffic.Count<ChangeMessageVisibilityRequest>(), Is.GreaterThanOrEqualTo(5), "heartbeats extending visibility");
            Assert.That(traffic.Requests.OfType<ReceiveMessageRequest>().Select(r => r.VisibilityTimeout), Is.All.EqualTo(2));
            Assert.That(SlowRunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task DispatchJob_DelayWithinFifteenMinutes_SentNowWithDelaySeconds()
    {
        await using var host = await StartHostAsync();
        var traffic = Watch(host);

        var soon = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { Delay = TimeSpan.FromSeconds(2) });
        var later = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { Delay = TimeSpan.FromMinutes(20) });
        var final = await host.WaitForFinalAsync(soon.Id);

        var sends = traffic.Requests.OfType<SendMessageRequest>().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(soon.DispatchedAt, Is.Not.Null, "SQS holds delays up to 15 minutes itself");
            Assert.That(sends, Has.Count.EqualTo(1), "the 20-minute job waits in its row for the outbox");
            Assert.That(sends[0].DelaySeconds, Is.EqualTo(2));
            Assert.That(later.DispatchedAt, Is.Null);
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.StartedAt, Is.GreaterThanOrEqualTo(soon.RunAt));
        });
    }

    [Test]
    public async Task Worker_QueueDeletedWhileRunning_StopsWithClearMessage()
    {
        await using var host = await StartHostAsync();
        var worker = host.Services.GetRequiredService<AwsSqsWorker>();
        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()));
        await host.WaitForFinalAsync(job.Id);

        await LocalSqs.DeleteQueueAsync(QueueUrl);
        await host.WaitUntilAsync(() => Task.FromResult(worker.ExecuteTask?.IsCompleted == true), "the worker to stop");

        var error = worker.ExecuteTask!.Exception?.InnerException;
        Assert.That(error, Is.InstanceOf<JobRunnerException>());
        Assert.That(error!.Message, Does.Contain(QueueUrl).And.Contain("does not exist").And.Contain("JobRunners:AwsSqs:QueueUrl"));
    }

    internal static async Task<int> MessagesLeftAsync(string queueUrl)
    {
        var attributes = await LocalSqs.Client.GetQueueAttributesAsync(queueUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible + attributes.ApproximateNumberOfMessagesDelayed;
    }
}
