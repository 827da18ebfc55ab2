using Amazon.SQS.Model;
using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>Messages that can never be handled end in a dead-letter queue, or stay put, and never stop good work.</summary>
[TestFixture]
public sealed class AwsSqsParkingTests : SqsRunnerTestBase
{
    private const string NotAnEnvelope = "this is not a job envelope";

    [Test]
    public async Task MalformedMessage_QueueWithRedrivePolicy_EndsInDeadLetterQueueWhileGoodJobsRun()
    {
        var deadLetters = await Queues.CreateAsync("redrive-dlq");
        var policy = $"{{\"deadLetterTargetArn\":\"{await LocalSqs.ArnAsync(deadLetters)}\",\"maxReceiveCount\":\"2\"}}";
        QueueUrl = await Queues.CreateAsync("redrive", new() { ["RedrivePolicy"] = policy });
        await using var host = await StartHostAsync();
        var keys = Enumerable.Range(0, 5).Select(_ => NewKey()).ToList();

        await LocalSqs.Client.SendMessageAsync(QueueUrl, NotAnEnvelope);
        var jobs = new List<JobRequest>();
        foreach (var key in keys)
        {
            jobs.Add(await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key)));
        }

        foreach (var job in jobs)
        {
            Assert.That((await host.WaitForFinalAsync(job.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
        }

        var parked = await WaitForDeadLetterAsync(host, deadLetters);

        // A job's message is deleted once its outcome is written, so the queue empties just after the last row.
        await WaitUntilQueueEmptyAsync(host);
        Assert.Multiple(() =>
        {
            Assert.That(parked.Body, Is.EqualTo(NotAnEnvelope));
            Assert.That(keys.Select(Probes.RunCount), Is.All.EqualTo(1));
        });
    }

    [Test]
    public async Task UnhandleableMessages_DeadLetterQueueUrlSet_MovedThereWithReason()
    {
        var deadLetters = await Queues.CreateAsync("park-dlq");
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:AwsSqs:DeadLetterQueueUrl"] = deadLetters });
        const string unknownTask = "{\"v\":1,\"kind\":\"task\",\"name\":\"sqs.no-such-task\",\"payload\":{}}";

        await LocalSqs.Client.SendMessageAsync(QueueUrl, NotAnEnvelope);
        await LocalSqs.Client.SendMessageAsync(QueueUrl, unknownTask);
        var key = NewKey();
        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(key));

        var parked = new List<Message>();
        await host.WaitUntilAsync(async () =>
        {
            parked.AddRange(await LocalSqs.ReceiveAsync(deadLetters, waitSeconds: 0));
            return parked.Count == 2;
        }, "both messages in the dead-letter queue");

        var malformed = parked.Single(m => m.Body == NotAnEnvelope);
        var unknown = parked.Single(m => m.Body == unknownTask);
        await host.WaitUntilAsync(() => Task.FromResult(Probes.RunCount(key) == 1), "the good task to run");

        // The good task's message is deleted just after the task ran.
        await WaitUntilQueueEmptyAsync(host);
        Assert.Multiple(() =>
        {
            Assert.That(malformed.MessageAttributes["jobrunners-park-reason"].StringValue, Does.Contain("Malformed job message"));
            Assert.That(unknown.MessageAttributes["jobrunners-park-reason"].StringValue, Does.Contain("sqs.no-such-task"));
            Assert.That(malformed.MessageAttributes["jobrunners-source-queue"].StringValue, Is.EqualTo(QueueUrl));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Finding02_RowMissing_MessageMovedToDeadLetterQueueWithReason()
    {
        var deadLetters = await Queues.CreateAsync("missing-row-dlq");
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:AwsSqs:DeadLetterQueueUrl"] = deadLetters });
        const string forAnotherStore = "{\"v\":1,\"kind\":\"job\",\"name\":\"kit.ok\",\"jobId\":987654321,\"attempt\":1}";

        await LocalSqs.Client.SendMessageAsync(QueueUrl, forAnotherStore);

        var parked = await WaitForDeadLetterAsync(host, deadLetters);
        await WaitUntilQueueEmptyAsync(host);
        Assert.Multiple(() =>
        {
            Assert.That(parked.Body, Is.EqualTo(forAnotherStore));
            Assert.That(parked.MessageAttributes["jobrunners-park-reason"].StringValue, Does.Contain("No job 987654321 in the sqlite store"));
        });
    }

    [Test]
    public async Task MalformedMessage_NoDeadLetterQueue_StaysOnQueueHiddenWithBackoff()
    {
        await using var host = await StartHostAsync();
        var traffic = Watch(host);

        await LocalSqs.Client.SendMessageAsync(QueueUrl, NotAnEnvelope);
        await host.WaitUntilAsync(() => Task.FromResult(traffic.Requests.OfType<ChangeMessageVisibilityRequest>().Any()), "the message to be hidden");

        var left = await AwsSqsDeliveryTests.MessagesLeftAsync(QueueUrl);
        Assert.Multiple(() =>
        {
            Assert.That(traffic.Requests.OfType<ChangeMessageVisibilityRequest>().First().VisibilityTimeout, Is.EqualTo(30));
            Assert.That(traffic.Count<DeleteMessageRequest>(), Is.Zero, "a message that cannot be handled is never dropped");
            Assert.That(left, Is.EqualTo(1));
        });
    }

    private Task WaitUntilQueueEmptyAsync(RunnerHost host) =>
        host.WaitUntilAsync(async () => await AwsSqsDeliveryTests.MessagesLeftAsync(QueueUrl) == 0, "every message to be deleted or moved from the queue");

    private static async Task<Message> WaitForDeadLetterAsync(RunnerHost host, string deadLetters)
    {
        Message? found = null;
        await host.WaitUntilAsync(async () => (found = (await LocalSqs.ReceiveAsync(deadLetters, waitSeconds: 0)).FirstOrDefault()) is not null, "the message in the dead-letter queue");
        return found!;
    }
}
