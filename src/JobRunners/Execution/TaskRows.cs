namespace JobRunners.Extensibility;

/// <summary>
/// Durable tasks. Runners whose queue is the <c>job_request</c> table (the <c>postgres</c> runner) keep each task
/// as a row until it ran: its job type (and queue name) is the task name behind the reserved prefix
/// <see cref="Prefix"/>, its payload is the task's wire envelope, and <see cref="JobExecutor"/> runs it like a job
/// (lease, heartbeat, retries by <c>JobRunners:Retry</c>) and deletes the row once it succeeded. A task that fails
/// every attempt is kept as a failed row, so the failure stays readable until retention prunes it. Runners that
/// carry tasks in memory or in messages (in-process, sync, queues, Lambda) keep no task rows.
/// </summary>
public static class TaskRows
{
    /// <summary>The prefix that marks a row as a task; no job name may start with it.</summary>
    public const string Prefix = "task:";

    /// <summary>The stored job type of a task row.</summary>
    public static string JobType(string taskName) => Prefix + taskName;

    /// <summary>True when a stored job type is a task row's.</summary>
    public static bool IsTask(string jobType) => jobType.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The task name of a task row's job type.</summary>
    public static string TaskName(string jobType) => jobType[Prefix.Length..];
}
