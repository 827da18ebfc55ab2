using Dapper;
using JobRunners.Storage;

namespace JobRunners.Sqlite;

/// <content>Claims and the lease holder's writes.</content>
public sealed partial class SqliteJobStore
{
    /// <inheritdoc />
    public ValueTask<ClaimResult> TryClaimAsync(long id, JobClaim claim, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateClaim(claim);
        var now = _timeProvider.GetUtcNow();
        var parameters = new
        {
            Id = id,
            claim.WorkerId,
            LockedUntil = UnixTime.ToMilliseconds(now + claim.Lease),
            Now = UnixTime.ToMilliseconds(now),
            claim.IgnoreRunAt,
        };

        return WithConnectionAsync(async (connection, token) =>
        {
            var claimed = await connection.QuerySingleOrDefaultAsync<SqliteJobRow>(
                Command(SqliteSql.Claim, parameters, null, token)).ConfigureAwait(false);
            if (claimed is not null)
            {
                return new ClaimResult(ClaimStatus.Claimed, claimed.ToJobRequest());
            }

            return StoreArguments.Refused(await GetAsync(connection, id, token).ConfigureAwait(false), now, claim);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> ReportProgressAsync(long id, string lockedBy, int progress, string? message, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateProgress(lockedBy, progress);
        return ExecuteAsync(
            SqliteSql.ReportProgress,
            new { Id = id, LockedBy = lockedBy, Progress = progress, Message = message, Now = NowMilliseconds() },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> ExtendLeaseAsync(long id, string lockedBy, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateLease(lockedBy, lease);
        var now = _timeProvider.GetUtcNow();
        return ExecuteAsync(
            SqliteSql.ExtendLease,
            new { Id = id, LockedBy = lockedBy, LockedUntil = UnixTime.ToMilliseconds(now + lease), Now = UnixTime.ToMilliseconds(now) },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> FinishAttemptAsync(long id, string lockedBy, AttemptResult result, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateResult(lockedBy, result);
        return ExecuteAsync(
            SqliteSql.FinishAttempt(result.Outcome),
            new
            {
                Id = id,
                LockedBy = lockedBy,
                result.ResultMessage,
                result.Error,
                Undispatch = result.ReturnToOutbox,
                RetryAt = UnixTime.ToMilliseconds(result.RetryAt),
                Now = NowMilliseconds(),
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> CancelAsync(long id, string? reason = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(SqliteSql.Cancel, new { Id = id, Reason = reason, Now = NowMilliseconds() }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRequest>> RescueExpiredLeasesAsync(CancellationToken cancellationToken = default)
    {
        var now = NowMilliseconds();
        return WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<SqliteJobRow>(
                Command(SqliteSql.RescueExpiredLeases, new { Now = now }, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<JobRequest>)rows.OrderBy(row => row.Id).Select(row => row.ToJobRequest()).ToList();
        }, cancellationToken);
    }

    private ValueTask<bool> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(
            async (connection, token) => await connection.ExecuteAsync(Command(sql, parameters, null, token)).ConfigureAwait(false) > 0,
            cancellationToken);
}
