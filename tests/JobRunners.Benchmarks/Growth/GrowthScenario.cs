using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Benchmarks.Harness;

namespace JobRunners.Benchmarks.Growth;

/// <summary>
/// Scenario 4: how the latency of taking the next job grows with the queue: a small and a large queue of due jobs,
/// filled by binary COPY and ANALYZEd; at each size every repetition times K claims per system, systems interleaved.
/// </summary>
internal sealed class GrowthScenario
{
    public const string Prefix = "claim-growth";

    private readonly BenchSettings _settings;
    private readonly PgServer _pg;
    private readonly ResultSet _results;

    public GrowthScenario(BenchSettings settings, PgServer pg, ResultSet results)
    {
        _settings = settings;
        _pg = pg;
        _results = results;
    }

    private TimeSpan TimeCap => TimeSpan.FromSeconds(_settings.Quick ? 1 : 8);

    public static string Label(int rows) => rows >= 1_000_000 ? $"{rows / 1_000_000}m" : $"{rows / 1_000}k";

    public async Task RunAsync()
    {
        var paths = new List<IClaimPath>();
        paths.Add(new PostgresRunnerFetchPath(_pg.ConnectionString, _pg.Admin));
        paths.Add(new StoreClaimPath(_pg.ConnectionString, _pg.Admin, JobRunnersFlavor.Primary.RunnerName));
        paths.Add(new FloorClaimPath(_pg.ConnectionString));
        paths.Add(new HangfireClaimPath(_pg.ConnectionString, _pg.Admin));
        try
        {
            foreach (var rows in new[] { _settings.GrowthSmall, _settings.GrowthLarge })
            {
                var scenario = $"{Prefix}.{Label(rows)}";
                foreach (var path in paths)
                {
                    var filled = System.Diagnostics.Stopwatch.StartNew();
                    await path.FillAsync(rows);
                    Console.WriteLine($"  {scenario}: {path.Name} filled with {rows:N0} rows in {filled.Elapsed.TotalSeconds:N1} s");
                }


                for (var rep = 1; rep <= _settings.Repetitions; rep++)
                {
                    foreach (var path in paths)
                    {
                        // At least 5 claims; no more than the time cap allows (a slow path would otherwise take minutes).
                        var micros = new List<double>(_settings.GrowthClaims);
                        var spent = System.Diagnostics.Stopwatch.StartNew();
                        while (micros.Count < _settings.GrowthClaims && (micros.Count < 5 || spent.Elapsed < TimeCap))
                        {
                            micros.Add((await path.ClaimOneAsync()).TotalMicroseconds);
                        }

                        if (micros.Count < _settings.GrowthClaims)
                        {
                            _results.Note($"S4 {scenario} rep {rep}: {path.Name} made {micros.Count} claims within the {TimeCap.TotalSeconds:N0} s cap (of {_settings.GrowthClaims}).");
                        }

                        _results.Add(scenario, path.Name, "p50_us", Stats.Quantile(micros, 0.5));
                        _results.Add(scenario, path.Name, "p99_us", Stats.Quantile(micros, 0.99));
                        Console.WriteLine($"  {scenario} rep {rep} {path.Name,-26} p50 {Stats.Quantile(micros, 0.5),8:N0} us  p99 {Stats.Quantile(micros, 0.99),8:N0} us");
                    }
                }
            }
        }
        finally
        {
            foreach (var path in paths)
            {
                await path.DisposeAsync();
            }
        }

        var small = $"{Prefix}.{Label(_settings.GrowthSmall)}";
        var large = $"{Prefix}.{Label(_settings.GrowthLarge)}";
        foreach (var path in paths)
        {
            var ratio = _results.MedianOf(large, path.Name, "p50_us") / _results.MedianOf(small, path.Name, "p50_us");
            _results.Add($"{Prefix}.ratio", path.Name, $"p50_{Label(_settings.GrowthLarge)}_over_{Label(_settings.GrowthSmall)}", ratio);
        }

        _results.Note($"S4: queues of {_settings.GrowthSmall:N0} and {_settings.GrowthLarge:N0} due jobs (binary COPY, then VACUUM ANALYZE); {_settings.GrowthClaims} claims per repetition; each claimed job is completed outside the timed part.");
        _results.PrintBenchLines(Prefix);
    }
}
