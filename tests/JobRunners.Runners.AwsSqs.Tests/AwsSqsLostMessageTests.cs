using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>Messages SQS accepted and then lost (purged, expired, dead-lettered): the reconciler sends them again.</summary>
[TestFixture]
public sealed class AwsSqsLostMessageTests : SqsRunnerTestBase
{
    [Test]
    public async Task Finding01_QueuePurgedAfterDispatch_ReconcilerResendsAndEveryJobRunsOnce()
    {
        var store = NewStorePath();
        var keys = Enumerable.Range(0, 20).Select(_ => NewKey()).ToList();
        var ids = new List<long>();

        // A dispatcher whose jobs SQS accepted; no worker reads the queue yet.
        await using (var dispatcher = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:Sqlite:Path"] = store,
            ["JobRunners:Worker:Enabled"] = "false",
        }))
        {
            foreach (var key in keys)
            {
                var job = await dispatcher.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key));
                Assert.That(job.DispatchedAt, Is.Not.Null, "SQS accepted it");
                ids.Add(job.Id);
            }

            // The broker loses every message.
            await LocalSqs.Client.PurgeQueueAsync(QueueUrl);
            await dispatcher.WaitUntilAsync(async () => await AwsSqsDeliveryTests.MessagesLeftAsync(QueueUrl) == 0, "the purge to empty the queue");
        }

        await using var worker = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:Sqlite:Path"] = store,
            ["JobRunners:RedeliverAfter"] = "00:00:01",
        });
        var finals = new List<JobRequest>();
        foreach (var id in ids)
        {
            finals.Add(await worker.WaitForFinalAsync(id));
        }

        Assert.Multiple(() =>
        {
            Assert.That(finals.Select(f => f.Status), Is.All.EqualTo(JobStatus.Succeeded));
            Assert.That(finals.Select(f => f.Attempts), Is.All.EqualTo(1));
            Assert.That(keys.Select(Probes.RunCount), Is.All.EqualTo(1));
        });
    }
}
