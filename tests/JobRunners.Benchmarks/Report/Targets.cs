using System.Globalization;
using JobRunners.Benchmarks.Cloud;
using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Benchmarks.Growth;
using JobRunners.Benchmarks.Harness;
using JobRunners.Benchmarks.Idle;
using JobRunners.Benchmarks.InProcess;
using JobRunners.Benchmarks.Latency;
using JobRunners.Benchmarks.Monitoring;

namespace JobRunners.Benchmarks.Report;

/// <summary>
/// The targets (goals, not assertions), judged on the medians of this run. What limits a missed target is said
/// from this run's own figures: statements and commits per job, enqueue rates, latencies, statement profiles.
/// </summary>
internal static class Targets
{
    public const string Floor = "floor-sql";
    public const string Hangfire = "hangfire-pg";

    public static IReadOnlyList<TargetResult> Evaluate(ResultSet results)
    {
        var list = new List<TargetResult>();
        var ours = JobRunnersFlavor.Primary.System;
        var batch = EndToEndBest.Of(results, ours, batch: true);
        var single = EndToEndBest.Of(results, ours, batch: false);
        string M(string scenario, string system, string metric) => Fmt(results.MedianOf(scenario, system, metric));

        // S1: throughput through the batch API at the postgres runner's best W.
        const string throughput = "end to end, batch dispatch, best W (JobRunners postgres runner)";
        list.Add(batch is null
            ? NotMeasured("S1", throughput, ">= 10,000 jobs/s")
            : Judge("S1", throughput, ">= 10,000 jobs/s", $"{Fmt(batch.Rate)} jobs/s at W={batch.Workers} ({ours})", batch.Rate >= 10_000, () => Pace(results, batch)));

        // S1 against Hangfire.PostgreSql, one-by-one on Hangfire's side (it has no batch API), at the same W.
        const string hangfireBatch = "vs Hangfire.PostgreSql, same run: JobRunners best batch vs Hangfire one-by-one at the same W";
        if (batch is null)
        {
            list.Add(NotMeasured("S1", hangfireBatch, ">= 50x"));
        }
        else
        {
            var hangfireSingle = EndToEndScenario.ScenarioName(false, batch.Workers);
            var hangfire = results.MedianOf(hangfireSingle, Hangfire, "jobs_per_s");
            list.Add(double.IsNaN(hangfire)
                ? NotMeasured("S1", hangfireBatch, ">= 50x", $"no Hangfire figure at W={batch.Workers}")
                : Judge("S1", hangfireBatch, ">= 50x", $"{Fmt(batch.Rate / hangfire)}x ({Fmt(batch.Rate)} against {Fmt(hangfire)} jobs/s at W={batch.Workers})", batch.Rate / hangfire >= 50,
                    () => $"Hangfire: {M(hangfireSingle, Hangfire, "statements_per_job")} statements and {M(hangfireSingle, Hangfire, "commits_per_job")} commits per job; JobRunners: {Pace(results, batch)}"));
        }

        const string hangfireSingleGoal = "vs Hangfire.PostgreSql, same run: JobRunners one-by-one vs Hangfire one-by-one (same W: JobRunners' best one-by-one W)";
        if (single is null)
        {
            list.Add(NotMeasured("S1", hangfireSingleGoal, ">= 50x"));
        }
        else
        {
            var hangfire = results.MedianOf(single.Scenario, Hangfire, "jobs_per_s");
            list.Add(double.IsNaN(hangfire)
                ? NotMeasured("S1", hangfireSingleGoal, ">= 50x", $"no Hangfire figure at W={single.Workers}")
                : Judge("S1", hangfireSingleGoal, ">= 50x", $"{Fmt(single.Rate / hangfire)}x ({Fmt(single.Rate)} against {Fmt(hangfire)} jobs/s at W={single.Workers})", single.Rate / hangfire >= 50,
                    () => $"Hangfire: {M(single.Scenario, Hangfire, "statements_per_job")} statements per job; JobRunners: {OneProducer(results, single)}"));
        }

        // S1 against the hand-written floor.
        const string floorBatchGoal = "vs the floor, batch, best W of each";
        var floorBatch = EndToEndBest.Of(results, Floor, batch: true);
        list.Add(batch is null || floorBatch is null
            ? NotMeasured("S1", floorBatchGoal, "JobRunners within 3x of the floor")
            : Judge("S1", floorBatchGoal, "JobRunners within 3x of the floor", $"floor {Fmt(floorBatch.Rate / batch.Rate)}x JobRunners ({Fmt(floorBatch.Rate)} jobs/s at W={floorBatch.Workers} against {Fmt(batch.Rate)} at W={batch.Workers})", floorBatch.Rate / batch.Rate <= 3,
                () => $"per job JobRunners sent {M(batch.Scenario, ours, "statements_per_job")} statements and {M(batch.Scenario, ours, "commits_per_job")} commits, the floor {M(floorBatch.Scenario, Floor, "statements_per_job")} and {M(floorBatch.Scenario, Floor, "commits_per_job")}; " +
                      $"enqueue {M(batch.Scenario, ours, "enqueue_per_s")} against the floor's {M(floorBatch.Scenario, Floor, "enqueue_per_s")} jobs/s"));

        const string floorSingleGoal = "vs the floor, one by one, same W (JobRunners' best one-by-one W)";
        var floorSingle = single is null ? double.NaN : results.MedianOf(single.Scenario, Floor, "jobs_per_s");
        list.Add(single is null || double.IsNaN(floorSingle)
            ? NotMeasured("S1", floorSingleGoal, "within 2x")
            : Judge("S1", floorSingleGoal, "within 2x", $"floor {Fmt(floorSingle / single.Rate)}x JobRunners ({Fmt(floorSingle)} against {Fmt(single.Rate)} jobs/s at W={single.Workers})", floorSingle / single.Rate <= 2,
                () => $"{OneProducer(results, single)}; the floor sent {M(single.Scenario, Floor, "statements_per_job")} statements per job, its producer one prepared INSERT at {M(DispatchLatencyScenario.Scenario, DispatchLatencyScenario.Bare, "p50_us")} µs (S2)"));

        const string statementsGoal = "statements per job, batch (JobRunners postgres runner, at its best W)";
        var statements = batch is null ? double.NaN : results.MedianOf(batch.Scenario, ours, "statements_per_job");
        list.Add(double.IsNaN(statements)
            ? NotMeasured("S1", statementsGoal, "<= 1")
            : Judge("S1", statementsGoal, "<= 1", $"{Fmt(statements)} at W={batch!.Workers} ({M(batch.Scenario, ours, "commits_per_job")} commits per job)", statements <= 1,
                () => $"most frequent, per job: {TopStatements(results, $"{batch.Scenario} {ours}", 3)}"));

        // S2
        const string postgresDispatch = "postgres `DispatchJobAsync` p50 vs bare prepared INSERT";
        var dispatchRunner = JobRunnersFlavor.All.FirstOrDefault(f => f.RunnerName == "postgres")?.System ?? "jobrunners-postgres";
        var dispatch = results.MedianOf(DispatchLatencyScenario.Scenario, dispatchRunner, "p50_us");
        var bare = results.MedianOf(DispatchLatencyScenario.Scenario, DispatchLatencyScenario.Bare, "p50_us");
        list.Add(Ratio("S2", postgresDispatch + $" ({dispatchRunner})", "<= 1.5x", dispatch / bare, r => r <= 1.5, $"{{0}}x ({Fmt(dispatch)} against {Fmt(bare)} µs)",
            () => $"p99 {M(DispatchLatencyScenario.Scenario, dispatchRunner, "p99_us")} against {M(DispatchLatencyScenario.Scenario, DispatchLatencyScenario.Bare, "p99_us")} µs" +
                  (single is null ? "" : $"; in S1 one by one (W={single.Workers}) the runner sent, per job: {TopStatements(results, $"{single.Scenario} {ours}", 3)}")));

        // S2, deduplication: a new identity costs the unique index's insert; a held one returns the holder from the
        // same statement (an index probe), so neither costs a round trip more than a plain dispatch.
        foreach (var (suffix, what) in new[]
        {
            (DispatchLatencyScenario.DedupeNew, "a new unique key per call"),
            (DispatchLatencyScenario.DedupeHit, "a key an unfinished job holds (returns it)"),
            (DispatchLatencyScenario.DedupePayload, "the payload as identity, a new payload per call"),
        })
        {
            var deduped = results.MedianOf(DispatchLatencyScenario.Scenario, dispatchRunner + suffix, "p50_us");
            list.Add(Ratio("S2", $"postgres `DispatchJobAsync` p50 with dedupe, {what}, vs without ({dispatchRunner})", "<= 1.25x", deduped / dispatch, r => r <= 1.25,
                $"{{0}}x ({Fmt(deduped)} against {Fmt(dispatch)} µs)",
                () => $"p99 {M(DispatchLatencyScenario.Scenario, dispatchRunner + suffix, "p99_us")} against {M(DispatchLatencyScenario.Scenario, dispatchRunner, "p99_us")} µs"));
        }

        // S3
        const string s3 = InProcessScenario.Scenario;
        var task = results.MedianOf(s3, "jobrunners-inprocess", "ns_per_op");
        var channel = results.MedianOf(s3, "bare-channel", "ns_per_op");
        list.Add(Ratio("S3", "in-process `DispatchTaskAsync` vs bare Channel write", "<= 2x", task / channel, r => r <= 2, $"{{0}}x ({Fmt(task)} against {Fmt(channel)} ns per call)",
            () => (results.MedianOf(s3, "jobrunners-inprocess", "producer_ns_per_op") <= 2 * results.MedianOf(s3, "bare-channel", "producer_ns_per_op")
                      ? "the workers, not the call: with consumers the channel fills, because running a no-op task costs a worker more than discarding an item costs the bare channel's consumers, and each call waits for room; "
                      : "the call itself; ") +
                  $"with no consumer one dispatch costs {M(s3, "jobrunners-inprocess", "producer_ns_per_op")} ns, of which `PrepareTask` {M(s3, "jobrunners-prepare-only", "producer_ns_per_op")} ns, against the channel write's {M(s3, "bare-channel", "producer_ns_per_op")} ns; " +
                  $"{M(s3, "jobrunners-inprocess", "caller_bytes_per_op")} B per call on the calling thread against {M(s3, "bare-channel", "caller_bytes_per_op")} B"));

        // S3 with telemetry: the same dispatch in the same run, with a listener collecting every metric and sampling every span or none.
        // The ratios are taken within each repetition, then the median over repetitions.
        var traced = results.MedianOf(s3, "jobrunners-inprocess+traces", "ratio_to_plain");
        var metered = results.MedianOf(s3, "jobrunners-inprocess+metrics", "ratio_to_plain");
        list.Add(Ratio("S3", "in-process task, metrics collected and spans declined vs nothing listening", "<= 1.05x", metered, r => r <= 1.05,
            $"{{0}}x ({M(s3, "jobrunners-inprocess+metrics", "ns_per_op")} against {Fmt(task)} ns per call; every span sampled too: {traced:0.00}x, {M(s3, "jobrunners-inprocess+traces", "ns_per_op")} ns)",
            () => "the metrics recorded per task: dispatched, outcome and duration"));

        // S6
        const string idleGoal = "idle worker statements/s";
        var idle = results.Find(IdleWorkerScenario.Scenario, ours, "statements_per_s");
        list.Add(idle is null
            ? NotMeasured("S6", idleGoal, "<= 0.2")
            : Judge("S6", idleGoal, "<= 0.2", $"{Fmt(idle.Median)} ({results.MedianOf(IdleWorkerScenario.Scenario, ours, "statements"):0} statements in {M(IdleWorkerScenario.Scenario, ours, "window_s")} s)", idle.Median <= 0.2,
                () => $"statements in the window: {IdleStatements(results, ours, 4)}"));

        // S4
        var ratio = results.Figures.Where(f => f.Scenario == $"{GrowthScenario.Prefix}.ratio").ToList();
        var path = ratio.FirstOrDefault(f => f.System == "jobrunners-postgres-fetch") ?? ratio.FirstOrDefault(f => f.System == "jobrunners-store-claim");
        var (large, small) = Sizes(path?.Metric);
        var growthGoal = large == "1m" ? "claim p50 at 1M queued vs 10k" : $"claim p50 at 1M queued vs 10k (this run: {large} vs {small})";
        list.Add(path is null
            ? NotMeasured("S4", growthGoal, "<= 1.5x")
            : Judge("S4", growthGoal + $" ({path.System})", "<= 1.5x", $"{Fmt(path.Median)}x ({M($"{GrowthScenario.Prefix}.{large}", path.System, "p50_us")} against {M($"{GrowthScenario.Prefix}.{small}", path.System, "p50_us")} µs)", path.Median <= 1.5,
                () => $"p99 {M($"{GrowthScenario.Prefix}.{large}", path.System, "p99_us")} µs at {large} against {M($"{GrowthScenario.Prefix}.{small}", path.System, "p99_us")} µs at {small}; the floor's claim: {M($"{GrowthScenario.Prefix}.ratio", "floor-sql-claim", path.Metric)}x"));

        // S7
        var listed = MonitorFigure(results, "list-failed");
        list.Add(listed is null
            ? NotMeasured("S7", MonitoringTargets.List, "< 100 ms")
            : Judge("S7", MonitoringTargets.List + $" ({listed.System})", "< 100 ms", $"{Fmt(listed.Median)} ms", listed.Median < 100,
                () => MonitoringTargets.Slowest(results, "list")));
        var counted = MonitorFigure(results, "stats");
        list.Add(counted is null
            ? NotMeasured("S7", MonitoringTargets.Counts, "< 250 ms")
            : Judge("S7", MonitoringTargets.Counts + $" ({counted.System})", "< 250 ms", $"{Fmt(counted.Median)} ms", counted.Median < 250,
                () => MonitoringTargets.Slowest(results, "stats")));

        // S5 (unchanged targets)
        foreach (var (cloud, system) in new[] { ("sqs", "jobrunners-aws-sqs"), ("azure", "jobrunners-azure-queue") })
        {
            var single1 = $"{CloudScenario.Prefix}{cloud}.single";
            var overhead = (results.MedianOf(single1, system, "p50_us") / results.MedianOf(single1, "raw-sdk", "p50_us")) - 1;
            var measured = double.IsNaN(overhead) ? "not measured"
                : overhead < 0 ? $"{overhead * 100:+0.0;-0.0}% (below this machine's noise: interleaved call by call, the runner was not slower)"
                : $"{overhead * 100:+0.0;-0.0}%";
            list.Add(new("S5", $"{cloud}: runner overhead over the raw SDK call (task, p50)", "<= 10%", measured, double.IsNaN(overhead) ? null : overhead <= 0.10,
                overhead > 0.10 ? "envelope serialization and validation on top of the SDK call" : ""));
            var speedup = results.MedianOf($"{CloudScenario.Prefix}{cloud}.batch10", system, "msgs_per_s") / results.MedianOf(single1, system, "msgs_per_s");
            var raw = results.MedianOf($"{CloudScenario.Prefix}{cloud}.batch10", "raw-sdk", "msgs_per_s") / results.MedianOf(single1, "raw-sdk", "msgs_per_s");
            list.Add(Ratio("S5", $"{cloud}: batched vs single (messages/s through the runner)", ">= 5x", speedup, r => r >= 5, "{0}x (raw SDK: " + Fmt(raw) + "x)",
                () => "the emulator serves concurrent sends no faster than sequential ones (see the raw SDK's ratio)"));
        }

        return list;
    }

    /// <summary>S7's figure for a probe: the dashboard page when it was measured, else the API call.</summary>
    private static Figure? MonitorFigure(ResultSet results, string probe) =>
        results.Find($"{MonitoringScenario.Scenario}.{probe}", MonitoringScenario.PageSystem, "p50_ms")
        ?? results.Find($"{MonitoringScenario.Scenario}.{probe}", MonitoringScenario.ApiSystem, "p50_ms");

    /// <summary>Which side set the pace of a batch run: the producer's enqueue or the drain side; from the run's own figures.</summary>
    public static string Pace(ResultSet results, EndToEndBest run)
    {
        var ours = JobRunnersFlavor.Primary.System;
        var enqueue = results.MedianOf(run.Scenario, ours, "enqueue_per_s");
        var side = enqueue < 1.25 * run.Rate
            ? "the producer's enqueue sets the pace"
            : "the drain side (claim, run, write back) sets the pace";
        return $"at W={run.Workers} enqueue ran at {Fmt(enqueue)} jobs/s against {Fmt(run.Rate)} end to end, so {side}; " +
            $"{Fmt(results.MedianOf(run.Scenario, ours, "statements_per_job"))} statements and {Fmt(results.MedianOf(run.Scenario, ours, "commits_per_job"))} commits per job";
    }

    /// <summary>One producer dispatching one by one: what its dispatch latency (S2) allows, against what was measured.</summary>
    public static string OneProducer(ResultSet results, EndToEndBest run)
    {
        var ours = JobRunnersFlavor.Primary.System;
        var p50 = results.MedianOf(DispatchLatencyScenario.Scenario, ours, "p50_us");
        var cap = double.IsNaN(p50) ? "" : $"one producer at {Fmt(p50)} µs per `DispatchJobAsync` (S2 p50) allows at most {Fmt(1e6 / p50)} jobs/s; ";
        return $"{cap}measured {Fmt(run.Rate)} jobs/s at W={run.Workers} (enqueue {Fmt(results.MedianOf(run.Scenario, ours, "enqueue_per_s"))} jobs/s) with {Fmt(results.MedianOf(run.Scenario, ours, "statements_per_job"))} statements and {Fmt(results.MedianOf(run.Scenario, ours, "commits_per_job"))} commits per job";
    }

    /// <summary>The most frequent statements of one profiled run, per job.</summary>
    public static string TopStatements(ResultSet results, string key, int count) =>
        results.Profiles.TryGetValue(key, out var profile) && profile.Count > 0
            ? string.Join(", ", profile.Take(count).Select(p => $"`{IdleWorkerScenario.OneLine(p.Query, 60)}` {Fmt(p.CallsPerJob)}"))
            : "(no profile)";

    /// <summary>The statements the idle worker sent in the window, with their calls.</summary>
    public static string IdleStatements(ResultSet results, string system, int count) =>
        results.StatementCounts.TryGetValue(IdleWorkerScenario.StatementsKey(system), out var seen)
            ? seen.Count == 0 ? "none" : string.Join(", ", seen.Take(count).Select(s => $"`{IdleWorkerScenario.OneLine(s.Query, 60)}` x{s.Calls}")) + (seen.Count > count ? $" and {seen.Count - count} more" : "")
            : "(not recorded)";

    /// <summary>The queue sizes of S4 from its ratio metric (<c>p50_1m_over_10k</c>).</summary>
    public static (string Large, string Small) Sizes(string? metric)
    {
        var at = metric?.IndexOf("_over_", StringComparison.Ordinal) ?? -1;
        return metric is null || at < 4 || !metric.StartsWith("p50_", StringComparison.Ordinal)
            ? ("1m", "10k")
            : (metric[4..at], metric[(at + "_over_".Length)..]);
    }

    private static TargetResult Judge(string scenario, string figure, string target, string measured, bool met, Func<string> limit) =>
        new(scenario, figure, target, measured, met, met ? "" : limit());

    private static TargetResult NotMeasured(string scenario, string figure, string target, string why = "") =>
        new(scenario, figure, target, why.Length == 0 ? "not measured" : $"not measured ({why})", null);

    private static TargetResult Ratio(string scenario, string figure, string target, double ratio, Func<double, bool> met, string format, Func<string> limit) =>
        double.IsNaN(ratio) || double.IsInfinity(ratio)
            ? NotMeasured(scenario, figure, target)
            : Judge(scenario, figure, target, string.Format(CultureInfo.InvariantCulture, format, Fmt(ratio)), met(ratio), limit);

    private static string Fmt(double value) => Figure.Format(value);
}
