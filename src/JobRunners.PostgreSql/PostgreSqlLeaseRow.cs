using JobRunners.Scheduling;

namespace JobRunners.PostgreSql;

/// <summary>The <c>scheduler_lease</c> row as Npgsql returns it.</summary>
internal sealed class PostgreSqlLeaseRow
{
    public string Holder { get; set; } = "";
    public DateTime AcquiredAt { get; set; }
    public DateTime ExpiresAt { get; set; }

    public SchedulerLease ToLease() => new(Holder, PostgreSqlScheduleRow.Utc(AcquiredAt), PostgreSqlScheduleRow.Utc(ExpiresAt));
}
