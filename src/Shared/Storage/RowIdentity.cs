namespace JobRunners.Extensibility;

/// <summary>
/// What a row's unique key is unique within: its job type and, when the identity holds per queue, its queue. Rows
/// with equal identities are one job while one of them holds it (the stores' <c>ux_job_request_identity</c> index).
/// </summary>
internal readonly record struct RowIdentity(string JobType, string Key, string Queue)
{
    /// <summary>The identity of a row to write, or null when it has no unique key.</summary>
    public static RowIdentity? Of(NewJobRequest job) =>
        job.UniqueKey is { } key ? new RowIdentity(job.JobType, key, StoredValues.IdentityQueue(job.QueueName, job.UniquePerQueue)) : null;

    /// <summary>The identity of a stored row, or null when it has no unique key.</summary>
    public static RowIdentity? Of(JobRequest row) =>
        row.UniqueKey is { } key ? new RowIdentity(row.JobType, key, StoredValues.IdentityQueue(row.QueueName, row.UniquePerQueue)) : null;

    /// <summary>True when a holder of an identity gives it up to a new row now: it finished and its period is over.</summary>
    public static bool HasExpired(JobRequest holder, DateTimeOffset now) =>
        holder.Status.IsFinal() && holder.UniqueUntil is { } until && until <= now;
}
