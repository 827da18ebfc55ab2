using System.Text;
using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Benchmarks.Harness;

namespace JobRunners.Benchmarks.Report;

/// <content>Optimisations the numbers call for, each with the evidence from this run and the expected gain.</content>
internal static partial class MarkdownReport
{
    private static void Recommendations(StringBuilder md, ResultSet results)
    {
        string M(string scenario, string system, string metric) => Figure.Format(results.MedianOf(scenario, system, metric));
        var large = results.Figures.Where(f => f.Scenario.StartsWith("claim-growth.explain.", StringComparison.Ordinal) && f.Metric == "reserve_ms").MaxBy(f => f.Scenario.Length);
        var batchScenarios = results.Figures.Where(f => f.Scenario.StartsWith("e2e-pg.batch.", StringComparison.Ordinal)).Select(f => f.Scenario).Distinct().ToList();
        var batch = batchScenarios.Contains("e2e-pg.batch.w8") ? "e2e-pg.batch.w8" : batchScenarios.FirstOrDefault() ?? "e2e-pg.batch.w8";

        md.AppendLine("## Optimisations the numbers call for");
        md.AppendLine();
        md.AppendLine("Not made here (src/ and runners/ belong to other work in progress); each with this run's evidence and the gain to expect.");
        md.AppendLine();
        var jit = large is null ? double.NaN : results.MedianOf(large.Scenario, large.System, "reserve_jit_ms");
        if (large is not null && jit > 1)
        {
            md.AppendLine($"1. **PostgreSQL runner, reservation (S4).** Turn JIT off for the queue statements and stop pricing the lock checks per row. At the large queue the reservation took {Figure.Format(large.Median)} ms,");
            md.AppendLine($"   {Figure.Format(jit)} ms of it JIT compilation (planner cost {M(large.Scenario, large.System, "reserve_planner_cost")}), and {M(large.Scenario, large.System, "reserve_ms_jit_off")} ms with `jit = off`.");
            md.AppendLine("   Either send `SET LOCAL jit = off` with the statement (or open the store's data source with `Options=-c jit=off`), or compute the blocked queues once and filter");
            md.AppendLine("   with `c.queue_name <> ALL(@Blocked)`, so that the planner's cost no longer grows with the queue. Expected: claim latency flat in the queue size (S4 ratio about 1).");
        }
        else if (large is not null)
        {
            md.AppendLine($"1. **PostgreSQL runner, reservation (S4): done.** Earlier builds measured by this harness JIT-compiled the reservation on every fetch once about 12,000 rows");
            md.AppendLine("   were queued (its per-row `NOT EXISTS` lock checks priced the statement past `jit_above_cost`; 0.4-1 s per fetch at 100,000-1,000,000 rows against 0.2 ms");
            md.AppendLine($"   with `jit = off`). The statement now puts those checks in a CASE: planner cost {M(large.Scenario, large.System, "reserve_planner_cost")} and {Figure.Format(large.Median)} ms at the large queue, no JIT.");
            md.AppendLine("   The S4 diagnostic (`claim-growth.explain.*`) keeps watching it: a cost above 100,000 means JIT is back.");
        }

        md.AppendLine($"2. **Claim the reserved job rows in one round trip (S1).** The worker reserves rows in a batch, then `JobExecutor.ExecuteJobAsync` claims each job with");
        md.AppendLine("   `PostgreSqlJobStore.TryClaimAsync`: BEGIN, the advisory-lock SELECT, the guarded UPDATE and COMMIT, per job. `ClaimReservedAsync` already claims a batch of");
        md.AppendLine("   reserved rows in one round trip for task rows; using it for ordinary job rows (and running the executor on the claimed row) removes four statements and three");
        md.AppendLine("   round trips per job (Npgsql sends BEGIN with the first statement).");
        md.AppendLine($"   Evidence: {M(batch, JobRunnersFlavor.Primary.System, "statements_per_job")} statements per job through the batch API against {M(batch, "floor-sql", "statements_per_job")} for the floor (profiles above).");
        md.AppendLine("3. **Complete in batches.** `FinishAttemptAsync` is one UPDATE per job; the worker could record the successes of a fetched batch in one");
        md.AppendLine("   `UPDATE ... WHERE id = ANY(@Ids) AND locked_by = @Worker`, as the floor does: one statement per batch instead of one per job.");
        md.AppendLine("   With 2 and 3 together the drain side goes from about five statements per job to about three per batch; expected batch-mode throughput: a multiple of today's, bounded by the");
        md.AppendLine("   producer's enqueue rate, which the postgres runner's multi-row insert already makes fast (`enqueue_per_s` in S1).");
        md.AppendLine($"4. **One round trip per one-by-one dispatch on the postgres runner (S2).** `DispatchJobAsync` writes the row, then sends the NOTIFY in a second round trip");
        md.AppendLine("   (`AnnounceAsync` -> `NotifyAsync`). The store already has the one-statement form for task rows (`InsertAndNotify`: a CTE that inserts and calls `pg_notify`, delivered at");
        md.AppendLine($"   commit); the single-row job insert can do the same. Evidence: p50 {M("dispatch-latency", "jobrunners-postgres", "p50_us")} µs for the postgres runner against {M("dispatch-latency", "jobrunners-inprocess-pg", "p50_us")} µs for the in-process runner,");
        md.AppendLine("   whose dispatch is the same INSERT without the NOTIFY. Expected: postgres-runner dispatch at the in-process runner's latency, and one-by-one S1 throughput up by the same ratio.");
        md.AppendLine($"5. **A batch insert in the store for every runner (S1).** `JobRunnerBase.DispatchJobsAsync` inserts row by row; only the postgres runner overrides it with a multi-row insert.");
        md.AppendLine($"   Evidence: batch enqueue {M(batch, "jobrunners-inprocess-pg", "enqueue_per_s")} jobs/s for the in-process runner against {M(batch, JobRunnersFlavor.Primary.System, "enqueue_per_s")} for the postgres runner");
        md.AppendLine("   (same table, same batch of 1,000). An `IJobStore` batch insert (unnest or COPY) used by the base class would give every runner the postgres runner's enqueue rate.");
        md.AppendLine($"6. **In-process dispatch (S3).** `PrepareTask` allocates {M("inproc-dispatch", "jobrunners-prepare-only", "caller_bytes_per_op")} B per call against the 32 B envelope (`PreparedTask`). 32 B of the rest is the");
        md.AppendLine("   `List<PayloadError>` that `PayloadValidator.Validate` creates even for a payload type without rules (return a shared empty list when `!HasRules`); the remaining");
        md.AppendLine("   bytes match the closure the compiler allocates on every call of `PayloadBinder.Bind`, whose switch arms pass lambdas capturing pattern variables (`element`,");
        md.AppendLine("   `document`, `payload`): the captured variables are hoisted for the whole switch, so even the typed fast path pays for them (move the slow arms into helper methods).");
        md.AppendLine($"   On the consumer side, cache each task's logger in its definition instead of `CreateLogger(\"JobRunners.Tasks.\" + name)` per run ({M("inproc-dispatch", "jobrunners-inprocess", "bytes_per_op")} B per task");
        md.AppendLine("   on all threads with consumers running). Expected: the dispatching thread at the envelope plus the channel, and less work per task on the consumers, which set the rate when the channel is full.");
        md.AppendLine("7. **Connection resets.** The statement profiles show `DISCARD ALL` several times per job: every store call opens a pooled connection, and Npgsql resets it on return");
        md.AppendLine("   (sent with the next command, so no extra round trip, but server work each time and no statement can stay prepared). Holding one connection across a worker's");
        md.AppendLine("   fetch-claim-finish sequence, or opening the store's own data source with `No Reset On Close=true` (the store keeps no session state outside transactions), removes");
        md.AppendLine("   them; with auto-prepare (`Max Auto Prepare`) the store's fixed statements would then skip parsing and planning too.");
        md.AppendLine();
    }
}
