namespace JobRunners.PostgreSql;

/// <summary>A due row a worker reserved with <see cref="PostgreSqlJobStore.ReserveAsync"/>: still queued, not yet claimed.</summary>
internal sealed class ReservedJob
{
    public long Id { get; set; }
    public string JobType { get; set; } = "";
    public string QueueName { get; set; } = "";
    public bool LocksQueue { get; set; }
    public int Priority { get; set; }

    // Npgsql reads timestamptz as a UTC DateTime.
    public DateTime RunAt { get; set; }
}
