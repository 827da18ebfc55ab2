using JobRunners.Scheduling;

namespace JobRunners.Sqlite;

/// <summary>The <c>scheduler_lease</c> row as SQLite returns it.</summary>
internal sealed class SqliteLeaseRow
{
    public string Holder { get; set; } = "";
    public long AcquiredAt { get; set; }
    public long ExpiresAt { get; set; }

    public SchedulerLease ToLease() => new(Holder, UnixTime.FromMilliseconds(AcquiredAt), UnixTime.FromMilliseconds(ExpiresAt));
}
