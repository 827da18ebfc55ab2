using System.Text;
using JobRunners.Benchmarks.Harness;

namespace JobRunners.Benchmarks.Report;

/// <content>The report's fixed text: scenario descriptions, peer configurations, limits.</content>
internal static partial class MarkdownReport
{
    private static readonly (string Prefix, string Title, Func<RunInfo, string> Description, string? Reference)[] Sections =
    [
        ("e2e-pg", "S1: end-to-end tracked jobs on PostgreSQL", EndToEndDescription, "floor-sql"),
        ("dispatch-latency", "S2: dispatch latency", _ => "One `DispatchJobAsync` on PostgreSQL (no worker in the process) against a prepared single-row INSERT of the same columns into the same table, RETURNING the id; sequential calls, interleaved call by call, microseconds.", "bare-insert"),
        ("inproc-dispatch", "S3: in-process dispatch (BenchmarkDotNet)", _ => "One `DispatchTaskAsync` of a no-op task on the in-process runner with its two workers draining, against a write to a bare bounded `Channel<T>` with two readers, Hangfire.InMemory's `BackgroundJobClient.Enqueue` with a two-worker server, and Coravel's `IQueue.QueueAsyncTask` drained continuously. `bytes_per_op` is BenchmarkDotNet's MemoryDiagnoser (all threads, so it includes what the consumers allocate); `caller_bytes_per_op` is what the dispatching thread alone allocates; `producer_ns_per_op` times the dispatching side with no consumer.", "bare-channel"),
        ("claim-growth", "S4: claim latency as the queue grows", _ => "Time to take the next job off a queue of due jobs, at a small and a large queue size (filled by binary COPY, then VACUUM ANALYZE). `jobrunners-postgres-fetch`: the PostgreSQL runner's claim as its worker makes it, one `IJobStore.ClaimAsync` by filter (the `claim_jobs` function, one statement); `jobrunners-store-claim`: the store's claim of one known id (what runners that carry job ids do); `floor-sql-claim`: one prepared SKIP LOCKED UPDATE; `hangfire-pg-fetch`: Hangfire.PostgreSql's `FetchNextJob`.", null),
        ("cloud-", "S5: cloud dispatch overhead", _ => "Sequential sends to fauxqs (SQS) and Azurite (Azure Storage queues): the raw SDK call with the exact envelope the runner sends, against the runner's `DispatchTaskAsync` (single) and `DispatchTasksAsync` of 10 (batch: SQS SendMessageBatch; Azure has no batch send, so ten concurrent sends on both sides). `cloud-*.job` is a tracked job dispatch (row + send + mark dispatched) for reference.", "raw-sdk"),
        ("idle.pg", "S6: idle worker statements per second", _ => "One JobRunners worker process on the postgres runner, as deployed: worker enabled, LISTEN on, poll, maintenance and scheduler at their default intervals (the settings in effect are in the notes), one registered job type, an empty queue and no schedules. It connects as a role of its own, so pg_stat_statements attributes to it exactly the statements it sends, utility statements (LISTEN, BEGIN, DISCARD ALL) included, and none of the harness's. Once its LISTEN is seen and it has settled, the calls of every statement are counted over one window: `statements_per_s` is the count over the window's length; `startup_statements` is what it sent from start to the window (migration check, first maintenance round with pruning, LISTEN).", null),
        ("monitor-pg", "S7: monitoring a large job table", run => $"The job table filled with {run.Settings.MonitorRows:N0} rows of history (binary COPY, then VACUUM ANALYZE; 2% failed, 0.5% cancelled, 2% queued, 0.2% running, the rest succeeded; ten job types used unevenly; created over 30 days), then each probe called in turn, milliseconds. `jobrunners-monitor`: `IJobMonitor` calls (what the CLI and an application call): `list` the first page of 50, `list-deep` a page at a random keyset cursor, `list-failed` and `list-type-failed` filtered by status (and type), `list-last-day` and `list-failed-week` filtered by creation time, `get` one row, `stats` counts by status and type, queue backlog, 15 minutes of throughput and workers. `jobrunners-dashboard`: the same pages fetched over HTTP from the dashboard on Kestrel (rendering included).", null),
    ];

    private static string EndToEndDescription(RunInfo run)
    {
        var settings = run.Settings;
        var n = settings.E2eJobs >= EndToEnd.EndToEndScenario.IssueJobs
            ? $"N = {settings.E2eJobs:N0} per run for JobRunners and the floor, the issue's N"
            : $"N = {settings.E2eJobs:N0} per run for JobRunners and the floor (the issue asks for {EndToEnd.EndToEndScenario.IssueJobs:N0}; `--n {EndToEnd.EndToEndScenario.IssueJobs}` runs it)";
        var comparison = settings.Quick
            ? "the quick run measures no other JobRunners runner"
            : $"the in-process runner on the same store is measured at W = {EndToEnd.EndToEndScenario.ComparisonWorkers(settings.Workers)} for comparison";
        return "N no-op jobs enqueued by one producer (one by one, or through the batch API) while W workers drain them; jobs/s from the first enqueue to the last completion written to the store. " +
            "Statements (pg_stat_statements: every statement of the systems under test, BEGIN/COMMIT included, the harness's own left out by role) and commits (pg_stat_database) per job are counted over the run. " +
            "Commits are counted for the whole database and backends report them late (at most once a second, or when they exit), so they also hold the harness's own counter and completion-polling queries " +
            "and transactions from just before the run (such as W workers setting up their connections): at small N they can exceed the statements per job, which are the exact figure. " +
            $"This run: {n}{(settings.E2eSingleJobs is { } single && single != settings.E2eJobs ? $" with batch dispatch and {single:N0} one by one" : "")}, {settings.E2ePeerJobs:N0} for Hangfire and Quartz; W = {string.Join(", ", settings.Workers)}. " +
            $"The postgres runner is the JobRunners system at every W; {comparison}. The first repetition of every cell is profiled statement by statement; " +
            "the profiles below are at the W where the postgres runner did best in each mode.";
    }

    private static void Peers(StringBuilder md)
    {
        md.AppendLine("## How each peer was configured, and why");
        md.AppendLine();
        md.AppendLine("Every peer runs on the same PostgreSQL server, in the same process as the harness, with the same W and a no-op job. In S1 every system's");
        md.AppendLine("connection string allows max(100, W + 10) pooled connections (Npgsql's default is 100), so that W workers can each hold one.");
        md.AppendLine();
        foreach (var line in PeerText)
        {
            md.AppendLine(line);
        }

        md.AppendLine();
    }

    private static readonly string[] PeerText =
    [
        "- **Hangfire 1.8.25 + Hangfire.PostgreSql 1.21.1** (`hangfire-pg`): `BackgroundJobServer` with `WorkerCount = W`, one `BackgroundJobClient` enqueuing `() => HangfireNoop.Run()`.",
        "  Storage: `QueuePollInterval = 50 ms` (default 15 s), `EnableLongPolling = true` (the storage's LISTEN/NOTIFY wake-up), `UseSlidingInvisibilityTimeout = true`, schema prepared by the storage itself.",
        "  Why: Hangfire's documentation says the poll interval bounds how fast an idle worker picks up a job and recommends a low value (`QueuePollInterval = TimeSpan.Zero` for SQL Server 1.7+, https://docs.hangfire.io/en/latest/configuration/using-sql-server.html);",
        "  Hangfire.PostgreSql rejects zero (the value must be positive), so 50 ms plus its long-polling notifications gives it its lowest pickup latency. `WorkerCount` is Hangfire's documented degree-of-parallelism knob",
        "  (https://docs.hangfire.io/en/latest/background-processing/configuring-degree-of-parallelism.html). Hangfire's open-source core has no batch enqueue (batches are Hangfire.Pro), so it has no batch figures.",
        "  A check with `QueuePollInterval = 1 s` (`BENCH_HANGFIRE_POLL_MS=1000`) gave the same rate and commits per job: here Hangfire's own enqueue sets its pace (its `enqueue_per_s`",
        "  equals its `jobs_per_s`). Its commits per job grow with W (see S1), consistent with every `new_job` notification waking every worker to attempt a fetch.",
        "- **Quartz.NET 4.7.3, ADO.NET job store** (`quartz-ado-pg`): `QuartzSchedulerBuilder` with `UseDefaultThreadPool(W)` and `UsePersistentStore(s => { s.UsePostgres(cs); s.ProvisionSchema(); })`:",
        "  JobStoreTX with Quartz's own PostgreSQL schema script (shipped inside the Quartz package and run by `ProvisionSchema`, so no DDL is copied here). Each job is a non-durable job with a `StartNow()` one-off trigger;",
        "  the batch mode uses `IScheduler.ScheduleJobs`. Trigger acquisition uses Quartz's automatic `MaxBatchSize` (documented: the thread pool size on a persistent store, since a round on a database is round trips and a",
        "  commit; https://www.quartz-scheduler.net/documentation/quartz-4.x/configuration/reference.html). No clustering (one node), which the documentation describes as the cheaper mode (no `TRIGGER_ACCESS` row lock per round).",
        "- **Hangfire.InMemory 1.0.0** (S3): `InMemoryStorage` with default options and a `BackgroundJobServer` of 2 workers; `BackgroundJobClient.Enqueue(() => HangfireNoop.Run())`.",
        "- **Coravel 6.0.2** (S3): `services.AddQueue()`, `IQueue.QueueAsyncTask(() => Task.CompletedTask)`. Coravel's hosted consumer drains every `ConsummationDelay` seconds (minimum 1 s); the benchmark drains",
        "  continuously instead (`Queue.ConsumeQueueAsync` in a loop) so the queue does not grow without bound during an iteration.",
        "- **Floors** (`floor-sql`, `bare-insert`, `floor-sql-claim`, `bare-channel`, `raw-sdk`): the same work written by hand at the lowest level: prepared Npgsql statements and binary COPY into a table with the",
        "  columns a tracked job needs and one partial claim index; batched claims `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 100) RETURNING id` and one completion UPDATE per claimed batch,",
        "  workers woken by an in-process signal (one per row inserted or per claim's worth of rows copied; a full claim wakes another worker; idle workers only poll every second as a safety net),",
        "  each worker on a connection of its own; a bare bounded `Channel<T>`; the AWS and Azure SDK calls with the runner's own message body.",
    ];

    private static void Notes(StringBuilder md, ResultSet results)
    {
        if (results.Notes.Count == 0)
        {
            return;
        }

        md.AppendLine("## Notes from the run");
        md.AppendLine();
        foreach (var note in results.Notes.Distinct())
        {
            md.AppendLine($"- {note}");
        }

        md.AppendLine();
    }
}
