using System.Text;
using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Benchmarks.Harness;

namespace JobRunners.Benchmarks.Report;

/// <content>What limits each missed target, from this run's own counters, profiles and EXPLAIN output.</content>
internal static partial class MarkdownReport
{
    private static void Limits(StringBuilder md, RunInfo run, ResultSet results, IReadOnlyList<TargetResult> targets)
    {
        md.AppendLine("## What limits the missed targets");
        md.AppendLine();
        var ours = JobRunnersFlavor.Primary.System;
        var w = run.Settings.Workers.Contains(8) ? 8 : run.Settings.Workers[run.Settings.Workers.Count / 2];
        string M(string scenario, string system, string metric) => Figure.Format(results.MedianOf(scenario, system, metric));
        bool Missed(string scenario) => targets.Any(t => t.Scenario == scenario && t.Met == false);

        if (Missed("S1"))
        {
            var single = EndToEndScenario.ScenarioName(false, w);
            var batch = EndToEndScenario.ScenarioName(true, w);
            md.AppendLine("### S1: round trips per job, and one producer bound by dispatch latency");
            md.AppendLine();
            md.AppendLine($"Server-side counts per job at W={w} (pg_stat_database commits; pg_stat_statements statements, BEGIN/COMMIT included), medians of this run:");
            md.AppendLine();
            md.AppendLine("| system | one by one: statements | commits | batch: statements | commits | jobs/s one by one | jobs/s batch |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var system in results.Figures.Where(f => f.Scenario == single && f.Metric == "jobs_per_s").Select(f => f.System))
            {
                md.AppendLine($"| {system} | {M(single, system, "statements_per_job")} | {M(single, system, "commits_per_job")} | {M(batch, system, "statements_per_job")} | {M(batch, system, "commits_per_job")} | {M(single, system, "jobs_per_s")} | {M(batch, system, "jobs_per_s")} |");
            }

            md.AppendLine();
            var latency = results.MedianOf("dispatch-latency", ours, "p50_us");
            if (!double.IsNaN(latency))
            {
                md.AppendLine($"- **One producer, one job at a time, is bound by dispatch latency.** S2 measured {Figure.Format(latency)} µs per `DispatchJobAsync` ({ours}), so a single");
                md.AppendLine($"  producer cannot exceed {Figure.Format(1e6 / latency)} jobs/s one by one, whatever the workers do; the bare prepared INSERT's {M("dispatch-latency", "bare-insert", "p50_us")} µs bounds the floor the same way.");
                var measured = results.MedianOf(single, ours, "jobs_per_s");
                if (measured < 0.7 * 1e6 / latency)
                {
                    md.AppendLine($"  The measured {Figure.Format(measured)} jobs/s at W={w} is well below that bound: the workers' statements, running at the same time, take the rest of the two cores.");
                }
            }

            md.AppendLine("- **Statements per job.** The floor needs about one statement per job one by one (INSERT; claims and completions are batched) and a");
            md.AppendLine($"  small fraction of one in batch mode (COPY plus claims of {run.Settings.FloorClaimBatch}). JobRunners' statements per job stay near their one-by-one count even through the batch API:");
            md.AppendLine("  the drain side claims and completes each job in its own statements (see the profiles below), so the workers' round trips, not the enqueue, bound batch throughput.");
            var largeJit = results.Figures.Where(f => f.Scenario.StartsWith("claim-growth.explain.", StringComparison.Ordinal) && f.Metric == "reserve_jit_ms").MaxBy(f => f.Scenario.Length);
            if (largeJit is { Median: > 1 })
            {
                md.AppendLine("- **Queue depth.** With N = 100,000 enqueued through the batch API the postgres runner's queue passes ~12,000 rows, where every reservation is");
                md.AppendLine("  JIT-compiled (S4 below): its batch throughput at the issue's N would fall far below the figures above, which use a smaller N.");
            }

            md.AppendLine($"- **The machine.** {run.Machine.Cores} cores shared by PostgreSQL, the benchmark and (during this run) other engineers' builds and tests (load {run.Load}); every round trip costs two context switches and CPU on both sides.");
            md.AppendLine();
            Profiles(md, results, $"{single} {ours}", $"{batch} {ours}", $"{batch} floor-sql");
        }

        if (Missed("S2"))
        {
            md.AppendLine("### S2: what a dispatch does besides the INSERT");
            md.AppendLine();
            foreach (var flavor in JobRunnersFlavor.All)
            {
                md.AppendLine($"- `{flavor.System}`: p50 {M("dispatch-latency", flavor.System, "p50_us")} µs against {M("dispatch-latency", "bare-insert", "p50_us")} µs for the prepared INSERT.");
            }

            md.AppendLine("- The in-process runner's dispatch is one INSERT ... RETURNING (all columns, through Dapper, not prepared) plus a channel write. The postgres runner's one-by-one");
            md.AppendLine("  dispatch is that INSERT and then a second round trip, `SELECT count(pg_notify(...)) FROM unnest(...)`, to wake the workers (`PostgreSqlJobRunner.AnnounceAsync` ->");
            md.AppendLine("  `PostgreSqlJobStore.NotifyAsync`); the profile above shows it once per job. The difference between the two runners is that round trip.");
            md.AppendLine();
        }

        if (Missed("S3"))
        {
            const string s3 = "inproc-dispatch";
            md.AppendLine("### S3: the dispatch path and the consumers");
            md.AppendLine();
            var producer = results.MedianOf(s3, "jobrunners-inprocess", "producer_ns_per_op");
            var withConsumers = results.MedianOf(s3, "jobrunners-inprocess", "ns_per_op");
            var prepare = results.MedianOf(s3, "jobrunners-prepare-only", "producer_ns_per_op");
            var channel = results.MedianOf(s3, "bare-channel", "producer_ns_per_op");
            md.AppendLine($"- Producer alone (no consumer, room in the channel): JobRunners {Figure.Format(producer)} ns and {M(s3, "jobrunners-inprocess", "caller_bytes_per_op")} B per call; of that the registry's");
            md.AppendLine($"  `PrepareTask` (lookup, bind, validate, envelope) is {Figure.Format(prepare)} ns and {M(s3, "jobrunners-prepare-only", "caller_bytes_per_op")} B, the bare channel write {Figure.Format(channel)} ns and {M(s3, "bare-channel", "caller_bytes_per_op")} B,");
            md.AppendLine($"  which leaves about {Figure.Format(Math.Max(0, producer - prepare - channel))} ns for the runner's own path (`JobRunnerBase.DispatchTaskAsync` -> `InProcessJobRunner.SendTaskAsync` -> `InProcessQueue.WriteAsync`).");
            if (producer >= 0.8 * withConsumers)
            {
                md.AppendLine($"- With the two workers draining, BenchmarkDotNet measures {Figure.Format(withConsumers)} ns per task: close to the producer alone, so the dispatching side itself");
                md.AppendLine("  sets the rate; `PrepareTask` is the largest part of it.");
            }
            else
            {
                md.AppendLine($"- With the two workers draining, BenchmarkDotNet measures {Figure.Format(withConsumers)} ns and {M(s3, "jobrunners-inprocess", "bytes_per_op")} B per task on all threads: the bounded channel (10,000) makes the");
                md.AppendLine("  dispatcher wait for the consumers, so the consumers' cost per task sets the rate. Each task run creates a DI scope, a `TaskContext` and a logger");
                md.AppendLine("  (`ILoggerFactory.CreateLogger(\"JobRunners.Tasks.\" + name)`, a string concatenation and a factory lookup per task) in `JobExecutor.ExecuteTaskAsync`.");
            }

            md.AppendLine("- The envelope itself (`PreparedTask`) is 32 B. Of the rest, 32 B is the `List<PayloadError>` that `PayloadValidator.Validate` allocates even for a payload type");
            md.AppendLine("  without rules, and the remainder of `PrepareTask`'s bytes matches the closure `PayloadBinder.Bind` allocates on every call (its switch arms pass lambdas that capture");
            md.AppendLine("  pattern variables, which the compiler hoists for the whole switch); the channel write adds its own bytes (the bare channel's figure).");
            md.AppendLine();
        }

        if (Missed("S4"))
        {
            md.AppendLine("### S4: the PostgreSQL runner's reservation statement is JIT-compiled on every fetch");
            md.AppendLine();
            md.AppendLine("EXPLAIN ANALYZE of the runner's own reservation statement (read from `PostgreSqlQueueSql.Reserve`, run with one row, rolled back), at both queue sizes:");
            md.AppendLine();
            md.AppendLine("| queue | execution | of which JIT | planner cost | execution with jit=off |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var figure in results.Figures.Where(f => f.Scenario.StartsWith("claim-growth.explain.", StringComparison.Ordinal) && f.Metric == "reserve_ms"))
            {
                md.AppendLine($"| {figure.Scenario["claim-growth.explain.".Length..]} | {Figure.Format(figure.Median)} ms | {M(figure.Scenario, figure.System, "reserve_jit_ms")} ms | {M(figure.Scenario, figure.System, "reserve_planner_cost")} | {M(figure.Scenario, figure.System, "reserve_ms_jit_off")} ms |");
            }

            md.AppendLine();
            md.AppendLine("The plan is the right one (an ordered scan of `ix_job_request_claim`, LIMIT, SKIP LOCKED), but the planner prices the two per-row `NOT EXISTS` checks for");
            md.AppendLine("locking queues as if they ran for every queued row, so the statement's cost grows with the queue and passes PostgreSQL's default `jit_above_cost`");
            md.AppendLine("(100,000) at roughly 12,000 queued rows. From there every fetch, which is not a prepared statement, pays JIT compilation (inlining and optimization");
            md.AppendLine("above 500,000): hundreds of milliseconds for a statement that executes in well under a millisecond. The store's claim by id does not have the problem.");
            md.AppendLine();
        }

        if (Missed("S5"))
        {
            md.AppendLine("### S5: Azure has no batch send");
            md.AppendLine();
            var rawRatio = results.MedianOf("cloud-azure.batch10", "raw-sdk", "msgs_per_s") / results.MedianOf("cloud-azure.single", "raw-sdk", "msgs_per_s");
            md.AppendLine($"Ten concurrent raw SDK sends reach {M("cloud-azure.batch10", "raw-sdk", "msgs_per_s")} messages/s against {M("cloud-azure.single", "raw-sdk", "msgs_per_s")} one at a time ({Figure.Format(rawRatio)}x): Azurite");
            md.AppendLine("(one Node.js process on this busy 2-core machine) serves concurrent requests little faster than sequential ones, so neither the raw SDK nor the runner can reach 5x here. Real Azure Storage");
            md.AppendLine("serves concurrent requests in parallel; the runner's `SendConcurrency` (16) is what it would use.");
            md.AppendLine();
        }

        if (targets.All(t => t.Met != false))
        {
            md.AppendLine("Every measured target was met.");
            md.AppendLine();
        }
    }

    private static void Profiles(StringBuilder md, ResultSet results, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (!results.Profiles.TryGetValue(key, out var profile))
            {
                continue;
            }

            md.AppendLine($"Most frequent statements, `{key}` (first repetition; calls per job, mean server time):");
            md.AppendLine();
            md.AppendLine("| calls/job | mean ms | statement |");
            md.AppendLine("|---:|---:|---|");
            foreach (var statement in profile.Where(p => p.CallsPerJob >= 0.01))
            {
                var text = string.Join(' ', statement.Query.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
                text = text.Length > 140 ? text[..140] + " ..." : text;
                md.AppendLine($"| {Figure.Format(statement.CallsPerJob)} | {Figure.Format(statement.MeanMs)} | `{text.Replace("|", "\\|", StringComparison.Ordinal)}` |");
            }

            md.AppendLine();
        }
    }
}
