using JobRunners.Storage;
using Dapper;
using JobRunners.Scheduling;

namespace JobRunners.PostgreSql;

/// <content>The scheduler lease: which process leads.</content>
public sealed partial class PostgreSqlScheduleStore
{
    /// <inheritdoc />
    public ValueTask<bool> TryAcquireLeaseAsync(string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ScheduleArguments.ValidateLease(holder, duration);
        var now = _timeProvider.GetUtcNow();
        var parameters = new { Holder = holder, Now = now, ExpiresAt = now + duration };
        return WithConnectionAsync(
            async (connection, token) => await connection.QuerySingleOrDefaultAsync<string>(
                Command(_sql.AcquireLease, parameters, token)).ConfigureAwait(false) is not null,
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseLeaseAsync(string holder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        return ExecuteAsync(_sql.ReleaseLease, new { Holder = holder }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<SchedulerLease?> GetLeaseAsync(CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
            (await connection.QuerySingleOrDefaultAsync<PostgreSqlLeaseRow>(Command(_sql.GetLease, null, token)).ConfigureAwait(false))?.ToLease(),
            cancellationToken);
}
