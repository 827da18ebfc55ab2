using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>FIFO queues: message groups by queue name, deduplication by row id, delays through the outbox.</summary>
[TestFixture]
public sealed class AwsSqsFifoTests : SqsRunnerTestBase
{
    [Test]
    public async Task DispatchToFifo_Messages_GroupedByQueueNameAndDeduplicatedByJobId()
    {
        QueueUrl = await Queues.CreateAsync("fifo-ids", fifo: true);
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:Worker:Enabled"] = "false" });

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { QueueName = "reports" });
        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(NewKey()));

        var messages = new List<Amazon.SQS.Model.Message>();
        await host.WaitUntilAsync(async () =>
        {
            messages.AddRange(await LocalSqs.ReceiveAsync(QueueUrl, waitSeconds: 0));
            return messages.Count == 2;
        }, "both messages");
        var jobMessage = messages.Single(m => m.Body.Contains("\"kind\":\"job\"", StringComparison.Ordinal));
        var taskMessage = messages.Single(m => m.Body.Contains("\"kind\":\"task\"", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(jobMessage.Attributes["MessageGroupId"], Is.EqualTo("reports"));
            Assert.That(jobMessage.Attributes["MessageDeduplicationId"], Is.EqualTo(job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(taskMessage.Attributes["MessageGroupId"], Is.EqualTo(ProbeHandlers.CountTask));
            Assert.That(taskMessage.Attributes["MessageDeduplicationId"], Has.Length.EqualTo(32));
        });
    }

    [Test]
    public async Task FifoQueue_JobsTasksAndDelayedJob_AllRun()
    {
        QueueUrl = await Queues.CreateAsync("fifo-run", fifo: true);
        await using var host = await StartHostAsync();
        var keys = Enumerable.Range(0, 5).Select(_ => NewKey()).ToList();
        var taskKey = NewKey();
        var delayedKey = NewKey();

        var jobs = new List<JobRequest>();
        foreach (var key in keys)
        {
            jobs.Add(await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), new DispatchOptions { QueueName = "orders" }));
        }

        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(taskKey));
        var delayed = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(delayedKey), new DispatchOptions { Delay = TimeSpan.FromSeconds(1) });

        Assert.That(delayed.DispatchedAt, Is.Null, "FIFO queues have no per-message delay: the row waits for the outbox");
        foreach (var job in jobs.Append(delayed))
        {
            Assert.That((await host.WaitForFinalAsync(job.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
        }

        var final = await host.WaitForFinalAsync(delayed.Id);
        await host.WaitUntilAsync(() => Task.FromResult(Probes.RunCount(taskKey) == 1), "the task to run");
        Assert.Multiple(() =>
        {
            Assert.That(keys.Append(delayedKey).Select(Probes.RunCount), Is.All.EqualTo(1));
            Assert.That(final.StartedAt, Is.GreaterThanOrEqualTo(delayed.RunAt));
        });
    }
}
