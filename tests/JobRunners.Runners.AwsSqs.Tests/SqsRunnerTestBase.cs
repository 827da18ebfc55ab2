using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>
/// Hosts with the SQS runner on a queue of the test's own, the kit's probes, and a slow job; plus a record of
/// what the runner's client sent and received, taken from the SDK's request events on the real client.
/// </summary>
[Parallelizable(ParallelScope.All)]
public abstract class SqsRunnerTestBase : RunnerTestBase
{
    /// <summary>A job that sleeps for its payload's milliseconds and counts its runs.</summary>
    protected const string SlowJob = "sqs.slow";

    private static readonly ConcurrentDictionary<string, int> SlowRuns = new(StringComparer.Ordinal);

    internal TestQueues Queues { get; } = new();

    /// <summary>The queue the runner uses unless a test points it elsewhere.</summary>
    protected string QueueUrl { get; set; } = "";

    protected override string RunnerName => "aws-sqs";

    [SetUp]
    public async Task CreateQueue() => QueueUrl = await Queues.CreateAsync("runner");

    private readonly List<string> _storeFiles = [];

    [TearDown]
    public async Task DeleteQueuesAndStores()
    {
        await Queues.DeleteAllAsync();
        foreach (var file in _storeFiles.SelectMany(f => new[] { f, f + "-wal", f + "-shm" }))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Still open by a pooled connection; the temp directory is cleaned by the OS.
            }
        }
    }

    /// <summary>A store file several hosts of one test can share; deleted when the test ends.</summary>
    protected string NewStorePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"jobrunners-sqs-{Guid.NewGuid():N}.db");
        _storeFiles.Add(path);
        return path;
    }

    protected override void AddRunner(JobRunnersBuilder jobs)
    {
        jobs.AddAwsSqsRunner();
        jobs.AddJob<SlowPayload>(SlowJob, async (p, _, ct) =>
        {
            SlowRuns.AddOrUpdate(p.Key, 1, static (_, n) => n + 1);
            await Task.Delay(p.Milliseconds, ct);
        });
    }

    protected override void AddSettings(IDictionary<string, string?> settings) => LocalSqs.AddSettings(settings, QueueUrl);

    protected static int SlowRunCount(string key) => SlowRuns.GetValueOrDefault(key);

    /// <summary>Records every request the host's clients make and every message they receive, from now on.</summary>
    internal static SqsTraffic Watch(RunnerHost host)
    {
        var traffic = new SqsTraffic();
        var queue = host.Services.GetRequiredService<SqsQueue>();

        // Receives go through a client of their own (its tries may also take the long-poll wait).
        foreach (var client in new[] { queue.Client, queue.ReceiveClient }.Distinct().Cast<AmazonServiceClient>())
        {
            client.BeforeRequestEvent += (_, e) =>
            {
                if (e is WebServiceRequestEventArgs { Request: { } request })
                {
                    traffic.Requests.Enqueue(request);
                }
            };
            client.AfterResponseEvent += (_, e) =>
            {
                if (e is WebServiceResponseEventArgs { Response: ReceiveMessageResponse { Messages: { } messages } })
                {
                    foreach (var message in messages)
                    {
                        traffic.Received.Enqueue(message);
                    }
                }
            };
        }

        return traffic;
    }
}

/// <summary>The slow job's payload.</summary>
public sealed record SlowPayload(string Key, int Milliseconds);

/// <summary>What a runner's client sent and received.</summary>
internal sealed class SqsTraffic
{
    public ConcurrentQueue<AmazonWebServiceRequest> Requests { get; } = new();

    public ConcurrentQueue<Message> Received { get; } = new();

    public int Count<TRequest>() => Requests.OfType<TRequest>().Count();
}
