using System.Globalization;
using JobRunners.Benchmarks.Cloud;
using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Benchmarks.Growth;
using JobRunners.Benchmarks.Harness;
using JobRunners.Benchmarks.InProcess;
using JobRunners.Benchmarks.Latency;

namespace JobRunners.Benchmarks.Report;

/// <summary>The issue's targets (goals, not assertions), judged on the medians of this run.</summary>
internal static class Targets
{
    public static IReadOnlyList<TargetResult> Evaluate(ResultSet results, BenchSettings settings)
    {
        var list = new List<TargetResult>();
        var ours = JobRunnersFlavor.Primary.System;
        var w = settings.Workers.Contains(8) ? 8 : settings.Workers[settings.Workers.Count / 2];

        // S1
        var best = results.Figures
            .Where(f => f.Scenario.StartsWith(EndToEndScenario.Prefix, StringComparison.Ordinal) && f.System == ours && f.Metric == "jobs_per_s")
            .OrderByDescending(f => f.Median)
            .FirstOrDefault();
        list.Add(new("S1", "JobRunners >= 10,000 jobs/s end to end", best is null ? "not measured" : $"{Fmt(best.Median)} jobs/s ({ours}, best of all W and modes: {best.Scenario})", best is null ? null : best.Median >= 10_000));
        foreach (var batch in new[] { false, true })
        {
            var scenario = EndToEndScenario.ScenarioName(batch, w);
            var mine = results.MedianOf(scenario, ours, "jobs_per_s");
            var floor = results.MedianOf(scenario, "floor-sql", "jobs_per_s");
            list.Add(Ratio("S1", $"within 3x of the floor ({scenario})", floor / mine, r => r <= 3, "floor is {0}x faster"));
        }

        var single = EndToEndScenario.ScenarioName(false, w);
        var hangfire = results.MedianOf(single, "hangfire-pg", "jobs_per_s");
        list.Add(Ratio("S1", $">= 50x Hangfire.PostgreSql ({single})", results.MedianOf(single, ours, "jobs_per_s") / hangfire, r => r >= 50, "{0}x Hangfire"));
        var batchScenario = EndToEndScenario.ScenarioName(true, w);
        list.Add(Ratio("S1", $">= 50x Hangfire.PostgreSql (JobRunners batch vs Hangfire one-by-one, W={w})", results.MedianOf(batchScenario, ours, "jobs_per_s") / hangfire, r => r >= 50, "{0}x Hangfire"));

        // S2
        foreach (var flavor in JobRunnersFlavor.All)
        {
            var ratio = results.MedianOf(DispatchLatencyScenario.Scenario, flavor.System, "p50_us") / results.MedianOf(DispatchLatencyScenario.Scenario, DispatchLatencyScenario.Bare, "p50_us");
            list.Add(Ratio("S2", $"DispatchJobAsync p50 <= 1.5x a bare prepared INSERT ({flavor.System})", ratio, r => r <= 1.5, "{0}x the bare INSERT"));
        }

        // S3
        const string s3 = InProcessScenario.Scenario;
        var ops = results.MedianOf(s3, "jobrunners-inprocess", "ops_per_s");
        list.Add(new("S3", "DispatchTaskAsync >= 1,000,000 tasks/s", double.IsNaN(ops) ? "not measured" : $"{ops:N0} tasks/s", double.IsNaN(ops) ? null : ops >= 1_000_000));
        list.Add(Ratio("S3", "within 2x of a bare Channel<T> write", results.MedianOf(s3, "jobrunners-inprocess", "ns_per_op") / results.MedianOf(s3, "bare-channel", "ns_per_op"), r => r <= 2, "{0}x the channel write's time"));
        var caller = results.MedianOf(s3, "jobrunners-inprocess", "caller_bytes_per_op");
        list.Add(new("S3", "no per-call allocation beyond the envelope (PreparedTask, 32 B)", double.IsNaN(caller) ? "not measured" : $"{Fmt(caller)} B per call on the calling thread; {Fmt(results.MedianOf(s3, "jobrunners-inprocess", "bytes_per_op"))} B/op on all threads (consumers included)", double.IsNaN(caller) ? null : caller <= 32.5));

        // S4
        var growth = results.Figures.Where(f => f.Scenario == $"{GrowthScenario.Prefix}.ratio").ToList();
        var primaryPath = growth.FirstOrDefault(f => f.System == "jobrunners-postgres-fetch") ?? growth.FirstOrDefault(f => f.System == "jobrunners-store-claim");
        list.Add(new("S4", $"claim latency at the large queue within 1.5x of the small one ({primaryPath?.System ?? "jobrunners"})", primaryPath is null ? "not measured" : $"{Fmt(primaryPath.Median)}x ({primaryPath.Metric})", primaryPath is null ? null : primaryPath.Median <= 1.5));

        // S5
        foreach (var (cloud, system) in new[] { ("sqs", "jobrunners-aws-sqs"), ("azure", "jobrunners-azure-queue") })
        {
            var single1 = $"{CloudScenario.Prefix}{cloud}.single";
            var overhead = (results.MedianOf(single1, system, "p50_us") / results.MedianOf(single1, "raw-sdk", "p50_us")) - 1;
            var measured = double.IsNaN(overhead) ? "not measured"
                : overhead < 0 ? $"{overhead * 100:+0.0;-0.0}% (below this machine's noise: interleaved call by call, the runner was not slower)"
                : $"{overhead * 100:+0.0;-0.0}%";
            list.Add(new("S5", $"{cloud}: runner overhead <= 10% over the raw SDK call (task, p50)", measured, double.IsNaN(overhead) ? null : overhead <= 0.10));
            var speedup = results.MedianOf($"{CloudScenario.Prefix}{cloud}.batch10", system, "msgs_per_s") / results.MedianOf(single1, system, "msgs_per_s");
            var raw = results.MedianOf($"{CloudScenario.Prefix}{cloud}.batch10", "raw-sdk", "msgs_per_s") / results.MedianOf(single1, "raw-sdk", "msgs_per_s");
            list.Add(Ratio("S5", $"{cloud}: batched >= 5x single (messages/s through the runner)", speedup, r => r >= 5, "{0}x (raw SDK: " + Fmt(raw) + "x)"));
        }

        return list.Select(t => t.Met == false ? t with { Limit = LimitOf(t, results, w) } : t).ToList();
    }

    private static string LimitOf(TargetResult target, ResultSet results, int w)
    {
        var ours = JobRunnersFlavor.Primary.System;
        string M(string scenario, string system, string metric) => Fmt(results.MedianOf(scenario, system, metric));
        var single = EndToEndScenario.ScenarioName(false, w);
        var batch = EndToEndScenario.ScenarioName(true, w);
        return target.Scenario switch
        {
            "S1" when target.Goal.Contains("batch", StringComparison.Ordinal) && target.Goal.Contains("floor", StringComparison.Ordinal) =>
                $"drain side: {M(batch, ours, "statements_per_job")} statements per job against the floor's {M(batch, "floor-sql", "statements_per_job")} (a claim transaction and a completion per job)",
            "S1" when target.Goal.Contains("floor", StringComparison.Ordinal) =>
                $"{M(single, ours, "statements_per_job")} statements per job against the floor's {M(single, "floor-sql", "statements_per_job")}: the workers' per-job claim transaction and completion share the 2 cores with the producer",
            "S1" when target.Goal.Contains($"({single})", StringComparison.Ordinal) =>
                $"{M(single, ours, "statements_per_job")} statements per job (Hangfire: {M(single, "hangfire-pg", "statements_per_job")}); one producer at {M(DispatchLatencyScenario.Scenario, ours, "p50_us")} µs per dispatch",
            "S1" => $"the drain side: {M(batch, ours, "statements_per_job")} statements and {M(batch, ours, "commits_per_job")} commits per job although the batch enqueue runs at {M(batch, ours, "enqueue_per_s")} jobs/s; 2 busy cores",
            "S2" when target.Goal.Contains("postgres", StringComparison.Ordinal) && !target.Goal.Contains("inprocess", StringComparison.Ordinal) =>
                "a second round trip per dispatch for the NOTIFY",
            "S2" => "INSERT ... RETURNING every column through Dapper, not prepared; pooled connection reset",
            "S3" when target.Goal.Contains("allocation", StringComparison.Ordinal) =>
                $"PrepareTask allocates {M(InProcessScenario.Scenario, "jobrunners-prepare-only", "caller_bytes_per_op")} B: an error list and a closure besides the envelope",
            "S3" => $"the dispatch path: {M(InProcessScenario.Scenario, "jobrunners-inprocess", "producer_ns_per_op")} ns with no consumer at all, {M(InProcessScenario.Scenario, "jobrunners-prepare-only", "producer_ns_per_op")} ns of it in PrepareTask; the channel write is {M(InProcessScenario.Scenario, "bare-channel", "producer_ns_per_op")} ns",
            "S4" => LimitOfGrowth(results),
            "S5" when target.Goal.Contains("batched", StringComparison.Ordinal) => "the emulator serves concurrent sends no faster than sequential ones (see the raw SDK's ratio)",
            "S5" => "envelope serialization and validation on top of the SDK call",
            _ => "",
        };
    }

    private static string LimitOfGrowth(ResultSet results)
    {
        var explain = results.Figures.Where(f => f.Scenario.StartsWith($"{GrowthScenario.Prefix}.explain.", StringComparison.Ordinal) && f.Metric == "reserve_ms").MaxBy(f => f.Scenario.Length);
        return explain is null
            ? "the claim's server time grows with the queue"
            : $"the reservation is JIT-compiled on every fetch: {Fmt(results.MedianOf(explain.Scenario, explain.System, "reserve_jit_ms"))} of {Fmt(explain.Median)} ms at the large queue";
    }

    private static TargetResult Ratio(string scenario, string goal, double ratio, Func<double, bool> met, string format) =>
        double.IsNaN(ratio) || double.IsInfinity(ratio)
            ? new(scenario, goal, "not measured", null)
            : new(scenario, goal, string.Format(CultureInfo.InvariantCulture, format, Fmt(ratio)), met(ratio));

    private static string Fmt(double value) => Figure.Format(value);
}
