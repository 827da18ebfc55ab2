using System.Text;
using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Benchmarks.Growth;
using JobRunners.Benchmarks.Harness;
using JobRunners.Benchmarks.Idle;
using JobRunners.Benchmarks.InProcess;
using JobRunners.Benchmarks.Latency;

namespace JobRunners.Benchmarks.Report;

/// <content>
/// What limits each missed target, from this run's own counters, rates, latencies and statement profiles; and the
/// per-scenario details under the figures (statement profiles of S1, the idle worker's statements of S6).
/// </content>
internal static partial class MarkdownReport
{
    private static void Limits(StringBuilder md, RunInfo run, ResultSet results, IReadOnlyList<TargetResult> targets)
    {
        md.AppendLine("## What limits the missed targets");
        md.AppendLine();
        md.AppendLine("Everything here is read off this run's figures; nothing is carried over from earlier runs.");
        md.AppendLine();
        var ours = JobRunnersFlavor.Primary.System;
        string M(string scenario, string system, string metric) => Figure.Format(results.MedianOf(scenario, system, metric));
        bool Missed(string scenario) => targets.Any(t => t.Scenario == scenario && t.Met == false);

        if (Missed("S1"))
        {
            md.AppendLine("### S1: statements, commits and the producer");
            md.AppendLine();
            var batch = EndToEndBest.Of(results, ours, batch: true);
            var single = EndToEndBest.Of(results, ours, batch: false);
            foreach (var (best, mode) in new[] { (batch, "batch dispatch"), (single, "one by one") })
            {
                if (best is null)
                {
                    continue;
                }

                md.AppendLine($"{char.ToUpperInvariant(mode[0])}{mode[1..]} at W={best.Workers} (the postgres runner's best W in this mode), medians of this run:");
                md.AppendLine();
                md.AppendLine("| system | jobs/s | enqueue/s | statements per job | commits per job |");
                md.AppendLine("|---|---:|---:|---:|---:|");
                foreach (var system in results.Figures.Where(f => f.Scenario == best.Scenario && f.Metric == "jobs_per_s").Select(f => f.System))
                {
                    md.AppendLine($"| {system} | {M(best.Scenario, system, "jobs_per_s")} | {M(best.Scenario, system, "enqueue_per_s")} | {M(best.Scenario, system, "statements_per_job")} | {M(best.Scenario, system, "commits_per_job")} |");
                }

                md.AppendLine();
            }

            if (batch is not null)
            {
                md.AppendLine($"- **Batch:** {Targets.Pace(results, batch)}. Most frequent statements per job: {Targets.TopStatements(results, $"{batch.Scenario} {ours}", 4)}.");
                var floor = EndToEndBest.Of(results, Targets.Floor, batch: true);
                if (floor is not null)
                {
                    md.AppendLine($"  The floor reached {Figure.Format(floor.Rate)} jobs/s at W={floor.Workers} with {M(floor.Scenario, Targets.Floor, "statements_per_job")} statements and {M(floor.Scenario, Targets.Floor, "commits_per_job")} commits per job.");
                }
            }

            if (single is not null)
            {
                md.AppendLine($"- **One by one:** {Targets.OneProducer(results, single)}. Most frequent statements per job: {Targets.TopStatements(results, $"{single.Scenario} {ours}", 4)}.");
            }

            md.AppendLine($"- **The machine:** {run.Machine.Cores} cores shared by PostgreSQL, the benchmark's producer and workers, and whatever else ran (load average during the run: {run.Load}).");
            md.AppendLine();
            md.AppendLine("The statement profiles are under S1 in [Figures](#figures).");
            md.AppendLine();
        }

        if (Missed("S2"))
        {
            md.AppendLine("### S2: dispatch latency");
            md.AppendLine();
            foreach (var flavor in JobRunnersFlavor.All)
            {
                md.AppendLine($"- `{flavor.System}`: p50 {M(DispatchLatencyScenario.Scenario, flavor.System, "p50_us")} µs, p99 {M(DispatchLatencyScenario.Scenario, flavor.System, "p99_us")} µs.");
            }

            md.AppendLine($"- `{DispatchLatencyScenario.Bare}` (prepared INSERT ... RETURNING id): p50 {M(DispatchLatencyScenario.Scenario, DispatchLatencyScenario.Bare, "p50_us")} µs, p99 {M(DispatchLatencyScenario.Scenario, DispatchLatencyScenario.Bare, "p99_us")} µs.");
            if (EndToEndBest.Of(results, ours, batch: false) is { } single)
            {
                md.AppendLine($"- What a one-by-one dispatch sends, from the S1 profile at W={single.Workers} (calls per job, dispatch and drain together): {Targets.TopStatements(results, $"{single.Scenario} {ours}", 5)}.");
            }

            md.AppendLine();
        }

        if (Missed("S3"))
        {
            const string s3 = InProcessScenario.Scenario;
            md.AppendLine("### S3: the dispatch path and the consumers");
            md.AppendLine();
            md.AppendLine("| system | ns per call (consumers draining) | ns per call (producer alone) | B per call, calling thread | B per call, all threads |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var system in results.Figures.Where(f => f.Scenario == s3).Select(f => f.System).Distinct())
            {
                string C(string metric) => results.Find(s3, system, metric) is { } f ? Figure.Format(f.Median) : "-";
                md.AppendLine($"| {system} | {C("ns_per_op")} | {C("producer_ns_per_op")} | {C("caller_bytes_per_op")} | {C("bytes_per_op")} |");
            }

            md.AppendLine();
            var producer = results.MedianOf(s3, "jobrunners-inprocess", "producer_ns_per_op");
            var prepare = results.MedianOf(s3, "jobrunners-prepare-only", "producer_ns_per_op");
            var channel = results.MedianOf(s3, "bare-channel", "producer_ns_per_op");
            var draining = results.MedianOf(s3, "jobrunners-inprocess", "ns_per_op");
            if (!double.IsNaN(producer + prepare + channel + draining))
            {
                var rest = producer - prepare - channel;
                md.AppendLine($"- Producer alone: {Figure.Format(producer)} ns per call; `PrepareTask` (lookup, bind, validate, envelope) alone takes {Figure.Format(prepare)} ns and the bare channel write alone {Figure.Format(channel)} ns" +
                    (rest >= 0
                        ? $", leaving {Figure.Format(rest)} ns for the runner's own path."
                        : ": measured apart, the parts add up to more than the whole, so at this scale the difference is noise."));
                md.AppendLine(producer >= 0.8 * draining
                    ? $"- With the consumers draining: {Figure.Format(draining)} ns per call, close to the producer alone, so the dispatching side sets the rate."
                    : $"- With the consumers draining: {Figure.Format(draining)} ns per call against {Figure.Format(producer)} ns for the producer alone: the bounded channel makes the dispatcher wait for the consumers, whose cost per task sets the rate.");
            }

            md.AppendLine();
        }

        if (Missed("S6"))
        {
            var window = results.MedianOf(IdleWorkerScenario.Scenario, ours, "window_s");
            md.AppendLine("### S6: what the idle worker sends");
            md.AppendLine();
            md.AppendLine($"{results.MedianOf(IdleWorkerScenario.Scenario, ours, "statements"):0} statements in {Figure.Format(window)} s, where 0.2/s allows {0.2 * window:0}. By statement: {Targets.IdleStatements(results, ours, 10)}.");
            md.AppendLine("The full list, with mean server time, is under S6 in [Figures](#figures).");
            md.AppendLine();
        }

        if (Missed("S4"))
        {
            md.AppendLine("### S4: claim latency at both queue sizes");
            md.AppendLine();
            var ratio = results.Figures.Where(f => f.Scenario == $"{GrowthScenario.Prefix}.ratio").ToList();
            var (large, small) = Targets.Sizes(ratio.FirstOrDefault()?.Metric);
            md.AppendLine($"| path | p50 at {small} (µs) | p99 at {small} (µs) | p50 at {large} (µs) | p99 at {large} (µs) | p50 ratio |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var figure in ratio)
            {
                var (s, l) = ($"{GrowthScenario.Prefix}.{small}", $"{GrowthScenario.Prefix}.{large}");
                md.AppendLine($"| {figure.System} | {M(s, figure.System, "p50_us")} | {M(s, figure.System, "p99_us")} | {M(l, figure.System, "p50_us")} | {M(l, figure.System, "p99_us")} | {Figure.Format(figure.Median)}x |");
            }

            md.AppendLine();
        }

        if (Missed("S5"))
        {
            md.AppendLine("### S5: Azure has no batch send");
            md.AppendLine();
            var rawRatio = results.MedianOf("cloud-azure.batch10", "raw-sdk", "msgs_per_s") / results.MedianOf("cloud-azure.single", "raw-sdk", "msgs_per_s");
            md.AppendLine($"Ten concurrent raw SDK sends reach {M("cloud-azure.batch10", "raw-sdk", "msgs_per_s")} messages/s against {M("cloud-azure.single", "raw-sdk", "msgs_per_s")} one at a time ({Figure.Format(rawRatio)}x): Azurite");
            md.AppendLine($"(one Node.js process on this {run.Machine.Cores}-core machine) serves concurrent requests little faster than sequential ones, so neither the raw SDK nor the runner can reach 5x here. Real Azure Storage");
            md.AppendLine("serves concurrent requests in parallel; the runner's `SendConcurrency` (16) is what it would use.");
            md.AppendLine();
        }

        if (targets.All(t => t.Met != false))
        {
            md.AppendLine("Every measured target was met.");
            md.AppendLine();
        }
    }

    /// <summary>What follows a scenario's figures: S1's statement profiles at the best W, S6's statements.</summary>
    private static void SectionDetails(StringBuilder md, ResultSet results, string prefix)
    {
        var ours = JobRunnersFlavor.Primary.System;
        if (prefix == EndToEndScenario.Prefix)
        {
            var keys = new List<string>();
            foreach (var best in new[] { EndToEndBest.Of(results, ours, batch: true), EndToEndBest.Of(results, ours, batch: false) })
            {
                if (best is not null)
                {
                    keys.Add($"{best.Scenario} {ours}");
                    keys.Add($"{best.Scenario} {Targets.Floor}");
                }
            }

            if (keys.Any(results.Profiles.ContainsKey))
            {
                md.AppendLine();
                md.AppendLine("Most frequent statements per job at the W where the postgres runner did best in each mode, with the floor at the same W (first repetition; calls per job, mean server time):");
                Profiles(md, results, keys);
            }
        }
        else if (prefix == IdleWorkerScenario.Scenario && results.StatementCounts.TryGetValue(IdleWorkerScenario.StatementsKey(ours), out var seen))
        {
            var window = results.MedianOf(IdleWorkerScenario.Scenario, ours, "window_s");
            md.AppendLine();
            md.AppendLine($"Every statement the idle worker sent during the {Figure.Format(window)} s window ({seen.Sum(s => s.Calls)} in all):");
            md.AppendLine();
            if (seen.Count == 0)
            {
                md.AppendLine("(none)");
                return;
            }

            md.AppendLine("| calls | per minute | mean ms | statement |");
            md.AppendLine("|---:|---:|---:|---|");
            foreach (var statement in seen)
            {
                md.AppendLine($"| {statement.Calls} | {Figure.Format(statement.Calls * 60 / window)} | {Figure.Format(statement.MeanMs)} | `{Cell(IdleWorkerScenario.OneLine(statement.Query, 160))}` |");
            }
        }
    }

    private static void Profiles(StringBuilder md, ResultSet results, IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            if (!results.Profiles.TryGetValue(key, out var profile))
            {
                continue;
            }

            md.AppendLine();
            md.AppendLine($"`{key}`:");
            md.AppendLine();
            md.AppendLine("| calls/job | mean ms | statement |");
            md.AppendLine("|---:|---:|---|");
            foreach (var statement in profile.Where(p => p.CallsPerJob >= 0.01))
            {
                md.AppendLine($"| {Figure.Format(statement.CallsPerJob)} | {Figure.Format(statement.MeanMs)} | `{Cell(IdleWorkerScenario.OneLine(statement.Query, 140))}` |");
            }
        }
    }
}
