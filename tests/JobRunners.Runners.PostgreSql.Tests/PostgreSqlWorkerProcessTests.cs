using System.Diagnostics;
using JobRunners.Runners.PostgreSql.WorkerHost;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>
/// Real worker processes sharing one schema: every job runs exactly once across them, and a worker killed
/// mid-job loses the job to another worker once its lease lapses.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgreSqlWorkerProcessTests : PostgreSqlTestBase
{
    protected override TimeSpan Timeout => TimeSpan.FromMinutes(3);

    [Test]
    public async Task ThreeWorkerProcesses_FiveThousandJobs_EachRunsExactlyOnce()
    {
        const int jobCount = 5000;
        await using var dispatcher = await StartHostAsync(DispatchOnly());
        await TestDatabase.ExecuteAsync(HostJobs.CreateExecutionsTable(Schema));
        var environment = new Dictionary<string, string> { ["JOBRUNNERS_POSTGRES_CONCURRENCY"] = "4" };
        var workers = await Task.WhenAll(new[] { "w1", "w2", "w3" }.Select(name => WorkerProcess.StartAsync(name, Schema, environment)));
        try
        {
            var clock = Stopwatch.StartNew();
            for (var offset = 0; offset < jobCount; offset += 500)
            {
                var batch = Enumerable.Range(offset, 500).Select(_ => new JobDispatch(HostJobs.Record, new HostPayload())).ToList();
                var results = await dispatcher.Runner.DispatchJobsAsync(batch);
                Assert.That(results.Select(r => r.Error), Is.All.Null);
            }

            var dispatched = clock.Elapsed;
            await WaitUntilNoneAsync("status <> 'succeeded'", Timeout);
            var finished = clock.Elapsed;

            var perJob = await TestDatabase.QueryAsync<long>($"SELECT count(*) FROM \"{Schema}\".executions GROUP BY job_id");
            var perWorker = await TestDatabase.QueryAsync<(string Worker, long Count)>($"SELECT worker, count(*) FROM \"{Schema}\".executions GROUP BY worker ORDER BY worker");
            await TestContext.Out.WriteLineAsync(
                $"{jobCount} jobs on 3 worker processes (concurrency 4 each): dispatched in {dispatched.TotalSeconds:F1} s, all done after {finished.TotalSeconds:F1} s; " +
                $"per worker: {string.Join(", ", perWorker.Select(w => $"{w.Worker}={w.Count}"))}.");
            Assert.Multiple(async () =>
            {
                Assert.That(perJob, Has.Count.EqualTo(jobCount), "jobs executed");
                Assert.That(perJob, Is.All.EqualTo(1), "executions per job");
                Assert.That(await CountAsync("attempts <> 1"), Is.Zero, "rows with more than one attempt");
                Assert.That(perWorker, Has.Count.EqualTo(3), "every worker process took part");
            });
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task WorkerKilledMidJob_LeaseLapses_AnotherWorkerCompletesItOnAttemptTwo()
    {
        await using var dispatcher = await StartHostAsync(DispatchOnly());
        await TestDatabase.ExecuteAsync(HostJobs.CreateExecutionsTable(Schema));
        var environment = new Dictionary<string, string> { ["JOBRUNNERS_POSTGRES_LEASE"] = "00:00:02" };
        await using var doomed = await WorkerProcess.StartAsync("doomed", Schema, environment);

        var job = await dispatcher.Runner.DispatchJobAsync(HostJobs.SleepFirst, new HostPayload(SleepMilliseconds: 600_000));
        await dispatcher.WaitUntilAsync(async () => await ExecutionsAsync(job.Id) is [(1, "doomed")], "the doomed worker to start the job");
        await using var survivor = await WorkerProcess.StartAsync("survivor", Schema, environment);
        doomed.Kill();
        var killed = Stopwatch.StartNew();

        var final = await dispatcher.WaitForFinalAsync(job.Id);

        await TestContext.Out.WriteLineAsync($"Job {job.Id} completed by the survivor {killed.Elapsed.TotalSeconds:F1} s after SIGKILL (lease 2 s).");
        Assert.Multiple(async () =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded), survivor.Output);
            Assert.That(final.Attempts, Is.EqualTo(2));
            Assert.That(final.LastError, Does.Contain("Lease expired"));
            Assert.That(await ExecutionsAsync(job.Id), Is.EqualTo(new[] { (1, "doomed"), (2, "survivor") }));
        });
    }

    private async Task<IReadOnlyList<(int Attempt, string Worker)>> ExecutionsAsync(long jobId) =>
        await TestDatabase.QueryAsync<(int, string)>($"SELECT attempt, worker FROM \"{Schema}\".executions WHERE job_id = @JobId ORDER BY attempt", new { JobId = jobId });
}
