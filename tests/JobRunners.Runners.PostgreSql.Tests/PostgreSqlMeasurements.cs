using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>
/// The numbers docs/runners/postgres.md reports, measured against the local server and printed to the test
/// output; the assertions only catch a worker that falls back to polling or stalls.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgreSqlMeasurements : PostgreSqlTestBase
{
    protected override TimeSpan Timeout => TimeSpan.FromMinutes(3);

    [Test]
    public async Task ClaimLatency_TwoHundredJobsWokenByNotify_MedianWellUnderPollInterval()
    {
        await using var host = await StartHostAsync(With(("JobRunners:PostgreSql:PollInterval", "00:00:10"), ("JobRunners:PostgreSql:Concurrency", "8")));
        await host.Services.GetRequiredService<PostgreSqlWorker>().Listening.WaitAsync(TimeSpan.FromSeconds(10));
        var key = NewKey();
        var latencies = new List<TimeSpan>();
        var dispatch = new List<TimeSpan>();

        for (var i = 0; i < 220; i++)
        {
            var started = TestJobs.WhenStarted(key, i);
            var before = Stopwatch.GetTimestamp();
            await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key, i));
            var returned = Stopwatch.GetTimestamp();
            var start = await started.WaitAsync(TimeSpan.FromSeconds(30));
            if (i >= 20)
            {
                // The first 20 warm up the JIT and the pools.
                latencies.Add(Stopwatch.GetElapsedTime(before, start.Timestamp));
                dispatch.Add(Stopwatch.GetElapsedTime(before, returned));
            }

            await Task.Delay(5); // the worker goes back to sleep: each job is a wake-up
        }

        var median = Percentile(latencies, 0.5);
        var p99 = Percentile(latencies, 0.99);
        await TestContext.Out.WriteLineAsync(
            $"Dispatch -> handler start over {latencies.Count} jobs (idle worker, poll 10 s, woken by NOTIFY): median {median.TotalMilliseconds:F2} ms, " +
            $"p99 {p99.TotalMilliseconds:F2} ms, max {latencies.Max().TotalMilliseconds:F2} ms; DispatchJobAsync itself: median {Percentile(dispatch, 0.5).TotalMilliseconds:F2} ms.");
        Assert.Multiple(() =>
        {
            Assert.That(median, Is.LessThan(TimeSpan.FromMilliseconds(100)));
            Assert.That(p99, Is.LessThan(TimeSpan.FromSeconds(1)));
        });
    }

    [Test]
    public async Task Throughput_NoOpJobsAndTasksConcurrencyEight_Reported()
    {
        const int count = 4000;
        var jobs = await MeasureAsync(count, async runner =>
        {
            for (var offset = 0; offset < count; offset += 500)
            {
                await runner.DispatchJobsAsync(Enumerable.Range(offset, 500).Select(i => new JobDispatch(TestJobs.Noop, new TestPayload("t", i))).ToList());
            }
        }, "status <> 'succeeded'");
        await TestDatabase.ExecuteAsync($"DELETE FROM \"{Schema}\".job_request");
        var tasks = await MeasureAsync(count, async runner =>
        {
            for (var offset = 0; offset < count; offset += 500)
            {
                await runner.DispatchTasksAsync(Enumerable.Range(offset, 500).Select(i => new TaskDispatch(TestJobs.NoopTask, new TestPayload("t", i))).ToList());
            }
        }, "true");

        await TestContext.Out.WriteLineAsync($"{count} no-op jobs, one worker, concurrency 8: {jobs.Describe(count)}");
        await TestContext.Out.WriteLineAsync($"{count} no-op tasks (rows claimed in batches), concurrency 8: {tasks.Describe(count)}");
        Assert.That(jobs.Elapsed, Is.LessThan(TimeSpan.FromMinutes(2)));
    }

    /// <summary>Dispatches with a worker-less host, then times one worker host until nothing matches <paramref name="unfinished"/>.</summary>
    private async Task<Run> MeasureAsync(int count, Func<IJobRunner, Task> dispatch, string unfinished)
    {
        await using (var dispatcher = await StartHostAsync(DispatchOnly()))
        {
            await dispatch(dispatcher.Runner);
        }

        Assert.That(await CountAsync("true"), Is.EqualTo(count));
        var application = "pgr-measure-" + NewKey()[..8];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await using var worker = await StartHostAsync(With(
            ("JobRunners:PostgreSql:Concurrency", "8"),
            ("ConnectionStrings:JobRunners", TestDatabase.ConnectionString + ";Application Name=" + application)));
        await WaitUntilNoneAsync(unfinished, Timeout);
        var elapsed = clock.Elapsed;
        var workerCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return new Run(elapsed, workerCpu, await BackendCpuAsync(application));
    }

    /// <summary>CPU time the server's backends for one application name have used (Linux, server on this machine); null when unknown.</summary>
    private static async Task<TimeSpan?> BackendCpuAsync(string application)
    {
        var pids = await TestDatabase.QueryAsync<int>("SELECT pid FROM pg_stat_activity WHERE application_name = @Application", new { Application = application });
        var ticks = 0L;
        foreach (var pid in pids)
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat))
            {
                return null;
            }

            // Fields 14 and 15 (utime, stime) in clock ticks, counted after the command name in parentheses.
            var fields = (await File.ReadAllTextAsync(stat)).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        }

        return pids.Count == 0 ? null : TimeSpan.FromMilliseconds(ticks * 10.0);
    }

    private sealed record Run(TimeSpan Elapsed, TimeSpan WorkerCpu, TimeSpan? ServerCpu)
    {
        public string Describe(int count)
        {
            var perRow = WorkerCpu.TotalMilliseconds / count;
            var server = ServerCpu is { } s ? s.TotalMilliseconds / count : (double?)null;
            var capacity = server is { } ms ? $", so about {2000 / (perRow + ms):F0}/s on two otherwise idle cores" : "";
            return $"{count / Elapsed.TotalSeconds:F0}/s ({Elapsed.TotalSeconds:F2} s on this machine); CPU per row: worker process {perRow:F2} ms" +
                (server is { } v ? $", PostgreSQL backends {v:F2} ms" : "") + capacity + ".";
        }
    }

    private static TimeSpan Percentile(List<TimeSpan> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];
    }
}
