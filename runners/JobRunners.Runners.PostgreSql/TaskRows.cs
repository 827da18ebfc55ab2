namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// Tasks through this runner are durable: each is a <c>job_request</c> row whose job type (and queue name) is the
/// task name behind a reserved prefix, whose payload is the task's wire envelope, and which is deleted once the
/// task ran. A task that fails every attempt is kept as a failed row, so the failure stays readable until pruned.
/// </summary>
internal static class TaskRows
{
    /// <summary>The prefix that marks a row as a task; no job name may start with it.</summary>
    public const string Prefix = "task:";

    public static string JobType(string taskName) => Prefix + taskName;

    public static bool IsTask(string jobType) => jobType.StartsWith(Prefix, StringComparison.Ordinal);
}
