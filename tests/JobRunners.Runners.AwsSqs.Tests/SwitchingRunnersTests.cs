using System.Text.Json;
using JobRunners.Conformance;
using Npgsql;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>
/// Switching <c>JOB_RUNNER</c> between aws-sqs and postgres over one PostgreSQL store: jobs the old runner accepted
/// (due, delayed and retrying) are adopted by the new one and run once.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class SwitchingRunnersTests : RunnerTestBase
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly TestQueues _queues = new();
    private readonly string _schema = "sw_" + Guid.NewGuid().ToString("N")[..16];
    private string _queueUrl = "";

    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("JOBRUNNERS_TEST_POSTGRES") is { Length: > 0 } value ? value : "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres";

    protected override string RunnerName => "aws-sqs";

    [SetUp]
    public async Task CreateQueue() => _queueUrl = await _queues.CreateAsync("switch");

    [TearDown]
    public async Task DeleteQueueAndSchema()
    {
        await _queues.DeleteAllAsync();
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    protected override void UseStore(JobRunnersBuilder jobs) => jobs.UsePostgreSql();

    protected override void AddRunner(JobRunnersBuilder jobs)
    {
        jobs.AddAwsSqsRunner();
        jobs.AddPostgreSqlRunner();
    }

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        LocalSqs.AddSettings(settings, _queueUrl);
        settings["ConnectionStrings:JobRunners"] = ConnectionString;
        settings["JobRunners:PostgreSql:Schema"] = _schema;
    }

    [Test]
    public async Task Finding16_AwsSqsToPostgres_QueuedDelayedAndRetryingJobsAllRunOnce()
    {
        var keys = new List<string>();
        var ids = new List<long>();
        await using (var old = await StartHostAsync(Runner("aws-sqs", worker: false)))
        {
            for (var i = 0; i < 5; i++)
            {
                ids.Add(await DispatchAsync(old, keys, null));
            }

            ids.Add(await DispatchAsync(old, keys, TimeSpan.FromSeconds(2)));

            // A job in retry backoff, as an SQS worker leaves it: queued again, still marked dispatched, due later.
            var retrying = await DispatchAsync(old, keys, null);
            Assert.That(await old.Store.ClaimOneAsync(retrying, "sqs-worker", TimeSpan.FromMinutes(1)), Is.Not.Null);
            Assert.That(await old.Store.CompleteOneAsync(retrying, "sqs-worker", JobOutcome.Retry(DateTimeOffset.UtcNow.AddSeconds(2), "boom")), Is.True);
            ids.Add(retrying);
        }

        // The old runner's messages stay on a queue nobody reads now.
        await using var next = await StartHostAsync(Runner("postgres", worker: true));
        var finals = await WaitForAllAsync(next, ids);

        Assert.Multiple(() =>
        {
            Assert.That(finals.Select(f => f.Status), Is.All.EqualTo(JobStatus.Succeeded));
            Assert.That(finals.Select(f => f.Runner), Is.All.EqualTo("postgres"));
            Assert.That(keys.Select(Probes.RunCount), Is.All.EqualTo(1));
            Assert.That(finals[^1].Attempts, Is.EqualTo(2), "the retrying job's next attempt");
        });
    }

    [Test]
    public async Task Finding16_PostgresToAwsSqs_QueuedAndDelayedJobsAllRunOnce()
    {
        var keys = new List<string>();
        var ids = new List<long>();
        await using (var old = await StartHostAsync(Runner("postgres", worker: false)))
        {
            for (var i = 0; i < 5; i++)
            {
                ids.Add(await DispatchAsync(old, keys, null));
            }

            ids.Add(await DispatchAsync(old, keys, TimeSpan.FromSeconds(2)));
        }

        await using var next = await StartHostAsync(Runner("aws-sqs", worker: true));
        var finals = await WaitForAllAsync(next, ids);

        Assert.Multiple(() =>
        {
            Assert.That(finals.Select(f => f.Status), Is.All.EqualTo(JobStatus.Succeeded));
            // Not each row's runner column: a fast SQS worker can finish an adopted job before adoption's mark lands.
            Assert.That(keys.Select(Probes.RunCount), Is.All.EqualTo(1));
            Assert.That(finals[^1].StartedAt, Is.GreaterThanOrEqualTo(finals[^1].RunAt), "the delayed job keeps its delay");
        });
    }

    // These tests are about adoption, not wake-up precision (the postgres runner's own tests cover that): the worker's
    // safety poll is shortened so a wake-up missed on a loaded machine costs seconds, not the test's whole timeout.
    private static Dictionary<string, string?> Runner(string name, bool worker) => new()
    {
        ["JOB_RUNNER"] = name,
        ["JobRunners:Worker:Enabled"] = worker ? "true" : "false",
        ["JobRunners:PostgreSql:ListenPollInterval"] = "00:00:05",
    };

    private static async Task<long> DispatchAsync(RunnerHost host, List<string> keys, TimeSpan? delay)
    {
        var key = Guid.NewGuid().ToString("N");
        keys.Add(key);
        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.FlakyJob, new ProbePayload(key, 0), new DispatchOptions { Delay = delay, MaxAttempts = 3 });
        return job.Id;
    }

    private static async Task<List<JobRequest>> WaitForAllAsync(RunnerHost host, List<long> ids)
    {
        var finals = new List<JobRequest>();
        foreach (var id in ids)
        {
            finals.Add(await host.WaitForFinalAsync(id));
        }

        return finals;
    }
}
