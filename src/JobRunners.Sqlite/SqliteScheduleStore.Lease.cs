using Dapper;
using JobRunners.Scheduling;

namespace JobRunners.Sqlite;

/// <content>The scheduler lease: which process leads.</content>
public sealed partial class SqliteScheduleStore
{
    /// <inheritdoc />
    public ValueTask<bool> TryAcquireLeaseAsync(string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ScheduleArguments.ValidateLease(holder, duration);
        var now = _timeProvider.GetUtcNow();
        var parameters = new { Holder = holder, Now = UnixTime.ToMilliseconds(now), ExpiresAt = UnixTime.ToMilliseconds(now + duration) };
        return WithConnectionAsync(
            async (connection, token) => await connection.QuerySingleOrDefaultAsync<string>(
                Command(SqliteScheduleSql.AcquireLease, parameters, null, token)).ConfigureAwait(false) is not null,
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseLeaseAsync(string holder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        return ExecuteAsync(SqliteScheduleSql.ReleaseLease, new { Holder = holder }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<SchedulerLease?> GetLeaseAsync(CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
            (await connection.QuerySingleOrDefaultAsync<SqliteLeaseRow>(
                Command(SqliteScheduleSql.GetLease, null, null, token)).ConfigureAwait(false))?.ToLease(),
            cancellationToken);
}
