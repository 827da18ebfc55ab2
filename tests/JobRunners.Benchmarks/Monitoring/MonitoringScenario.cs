using System.Diagnostics;
using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Benchmarks.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JobRunners.Benchmarks.Monitoring;

/// <summary>
/// Scenario 7: what an operator waits for on a large table. The job table is filled with a month of history
/// (<see cref="MonitorFill"/>), then every repetition times each probe K times, probes interleaved: the
/// <see cref="IJobMonitor"/> calls behind the CLI and the dashboard, and the dashboard's pages over HTTP.
/// </summary>
internal sealed class MonitoringScenario
{
    public const string Scenario = "monitor-pg";
    public const string ApiSystem = "jobrunners-monitor";
    public const string PageSystem = "jobrunners-dashboard";

    /// <summary>Maintenance must not prune the month of history the scenario reads (the default retention is 7 days).</summary>
    public static readonly IReadOnlyDictionary<string, string?> KeepHistory = new Dictionary<string, string?> { ["JobRunners:Retention"] = "3650.00:00:00" };

    private readonly BenchSettings _settings;
    private readonly PgServer _pg;
    private readonly ResultSet _results;

    public MonitoringScenario(BenchSettings settings, PgServer pg, ResultSet results)
    {
        _settings = settings;
        _pg = pg;
        _results = results;
    }

    public async Task RunAsync()
    {
        await JobRunnersHost.ResetAsync(_pg.Admin);
        var counter = new CompletionCounter();
        using var host = JobRunnersHost.Build(_pg.ConnectionString, JobRunnersFlavor.Primary, workers: 1, counter, worker: false, extra: KeepHistory);
        await host.StartAsync();
        try
        {
            var rows = _settings.MonitorRows;
            var filled = Stopwatch.StartNew();
            await MonitorFill.FillAsync(_pg.Admin, rows, JobRunnersFlavor.Primary.RunnerName);
            Console.WriteLine($"  {Scenario}: filled with {rows:N0} rows in {filled.Elapsed.TotalSeconds:N1} s");

            var monitor = host.Services.GetRequiredService<IJobMonitor>();
            var probes = new List<Probe>(MonitorProbes.Api(monitor, rows));
            await using var pages = await DashboardProbes.StartAsync(_pg.ConnectionString, rows);
            probes.AddRange(pages.Probes);

            foreach (var probe in probes)
            {
                await probe.Call(); // warm: plans cached, connections open, pages compiled
            }

            for (var rep = 1; rep <= _settings.Repetitions; rep++)
            {
                var timings = probes.ToDictionary(p => p, _ => new List<double>(_settings.MonitorCalls));
                for (var call = 0; call < _settings.MonitorCalls; call++)
                {
                    foreach (var probe in probes)
                    {
                        var started = Stopwatch.GetTimestamp();
                        await probe.Call();
                        timings[probe].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }

                foreach (var probe in probes)
                {
                    var p50 = Stats.Quantile(timings[probe], 0.5);
                    var p99 = Stats.Quantile(timings[probe], 0.99);
                    _results.Add($"{Scenario}.{probe.Name}", probe.System, "p50_ms", p50);
                    _results.Add($"{Scenario}.{probe.Name}", probe.System, "p99_ms", p99);
                    Console.WriteLine($"  {Scenario} rep {rep} {probe.System,-22} {probe.Name,-18} p50 {p50,8:N2} ms  p99 {p99,8:N2} ms");
                }
            }
        }
        finally
        {
            await host.StopAsync();
        }

        _results.Note($"S7: {_settings.MonitorRows:N0} rows (binary COPY, then VACUUM ANALYZE: 2% failed, 0.5% cancelled, 2% queued, 0.2% running, the rest succeeded, ten job types used unevenly, created over 30 days); {_settings.MonitorCalls} calls per probe per repetition, probes interleaved call by call.");
        _results.PrintBenchLines(Scenario);
    }
}

/// <summary>One timed call of S7: an API call or a page fetch.</summary>
internal sealed record Probe(string System, string Name, Func<Task> Call);

/// <summary>The <see cref="IJobMonitor"/> calls S7 times.</summary>
internal static class MonitorProbes
{
    public static IEnumerable<Probe> Api(IJobMonitor monitor, int rows)
    {
        const string system = MonitoringScenario.ApiSystem;
        var random = new Random(7);
        yield return new(system, "list", async () => await monitor.QueryAsync(new JobQuery { Limit = 50 }));
        yield return new(system, "list-deep", async () => await monitor.QueryAsync(new JobQuery { Limit = 50, BeforeId = random.Next(rows / 4, rows) }));
        yield return new(system, "list-failed", async () => await monitor.QueryAsync(new JobQuery { Status = JobStatus.Failed, Limit = 50 }));
        yield return new(system, "list-type-failed", async () => await monitor.QueryAsync(new JobQuery { Status = JobStatus.Failed, JobType = MonitorFill.JobType(9), Limit = 50 }));
        yield return new(system, "list-last-day", async () => await monitor.QueryAsync(new JobQuery { CreatedFrom = DateTimeOffset.UtcNow.AddDays(-1), Limit = 50 }));
        yield return new(system, "list-failed-week", async () => await monitor.QueryAsync(new JobQuery { Status = JobStatus.Failed, CreatedFrom = DateTimeOffset.UtcNow.AddDays(-14), CreatedBefore = DateTimeOffset.UtcNow.AddDays(-7), Limit = 50 }));
        yield return new(system, "get", async () => await monitor.GetAsync(random.Next(1, rows + 1)));
        yield return new(system, "stats", async () => await monitor.GetStatsAsync(15));
    }
}
