using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using JobRunners.Benchmarks.Harness;

namespace JobRunners.Benchmarks.InProcess;

/// <summary>
/// Scenario 3: BenchmarkDotNet (in-process toolchain, MemoryDiagnoser) runs the four dispatch benchmarks once per
/// repetition, so the systems alternate across repetitions. BenchmarkDotNet's allocation figure counts every thread
/// (consumers included); a second pass times the dispatching side alone, with no consumer, and counts what the
/// calling thread allocates per dispatch.
/// </summary>
internal sealed class InProcessScenario
{
    public const string Scenario = "inproc-dispatch";

    private readonly BenchSettings _settings;
    private readonly PgServer _pg;
    private readonly ResultSet _results;

    public InProcessScenario(BenchSettings settings, PgServer pg, ResultSet results)
    {
        _settings = settings;
        _pg = pg;
        _results = results;
    }

    public async Task RunAsync()
    {
        InProcessDispatchBenchmarks.ConnectionString = _pg.ConnectionString;
        var job = Job.Default
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(10), logOutput: false))
            .WithLaunchCount(1)
            .WithWarmupCount(_settings.Quick ? 1 : 3)
            .WithIterationCount(_settings.Quick ? 3 : 8)
            .WithIterationTime(TimeInterval.FromMilliseconds(_settings.InProcessIteration.TotalMilliseconds))
            .WithEvaluateOverhead(!_settings.Quick);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(NullLogger.Instance)
            .WithArtifactsPath(Path.Combine(_settings.RepoRoot, ".tmp", "bench", "BenchmarkDotNet.Artifacts"))
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.DisableOptimizationsValidator);
        _results.Note($"S3: BenchmarkDotNet {typeof(BenchmarkRunner).Assembly.GetName().Version} in-process toolchain, {(_settings.Quick ? 1 : 3)} warm-up and {(_settings.Quick ? 3 : 8)} measured iterations of {_settings.InProcessIteration.TotalMilliseconds} ms per run, one run per repetition; figures are the median over repetitions of each run's median.");

        for (var rep = 1; rep <= _settings.Repetitions; rep++)
        {
            var summary = BenchmarkRunner.Run<InProcessDispatchBenchmarks>(config);
            var medians = new Dictionary<string, double>();
            foreach (var report in summary.Reports)
            {
                var name = report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'');
                if (report.ResultStatistics is not { } stats)
                {
                    _results.Note($"S3 rep {rep}: {name} produced no result.");
                    continue;
                }

                var bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
                _results.Add(Scenario, name, "ops_per_s", 1e9 / stats.Median);
                _results.Add(Scenario, name, "ns_per_op", stats.Median);
                _results.Add(Scenario, name, "bytes_per_op", bytes);
                medians[name] = stats.Median;
                Console.WriteLine($"  rep {rep} {name,-22} {1e9 / stats.Median,14:N0} ops/s  {stats.Median,8:N1} ns/op  {bytes,6} B/op (all threads)");
            }

            // Telemetry's cost as a ratio within one repetition, so the machine's drift between repetitions cancels out.
            foreach (var name in new[] { "jobrunners-inprocess+traces", "jobrunners-inprocess+metrics" })
            {
                if (medians.TryGetValue(name, out var observed) && medians.TryGetValue("jobrunners-inprocess", out var plain))
                {
                    _results.Add(Scenario, name, "ratio_to_plain", observed / plain);
                }
            }

            foreach (var (name, bytes, nanoseconds) in await ProducerOnly.MeasureAsync(_pg.ConnectionString))
            {
                _results.Add(Scenario, name, "caller_bytes_per_op", bytes);
                _results.Add(Scenario, name, "producer_ns_per_op", nanoseconds);
                Console.WriteLine($"  rep {rep} {name,-22} producer alone: {nanoseconds,10:N1} ns/op  {bytes,8:N1} B/op on the calling thread");
            }
        }

        _results.PrintBenchLines(Scenario);
    }
}
