using Dapper;
using JobRunners.Storage;

namespace JobRunners.PostgreSql;

/// <content>Claims and the lease holder's writes.</content>
public sealed partial class PostgreSqlJobStore
{
    /// <inheritdoc />
    public ValueTask<ClaimResult> TryClaimAsync(long id, JobClaim claim, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateClaim(claim);
        var now = _timeProvider.GetUtcNow();
        var parameters = new { Id = id, claim.WorkerId, LockedUntil = now + claim.Lease, Now = now, claim.IgnoreRunAt };

        return WithConnectionAsync(async (connection, token) =>
        {
            var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await connection.ExecuteAsync(Command(_sql.LockQueueForClaim, new { Id = id, LockSpace = Schema }, transaction, token))
                    .ConfigureAwait(false);
                var claimed = await connection.QuerySingleOrDefaultAsync<PostgreSqlJobRow>(
                    Command(_sql.Claim, parameters, transaction, token)).ConfigureAwait(false);
                await transaction.CommitAsync(token).ConfigureAwait(false);
                if (claimed is not null)
                {
                    return new ClaimResult(ClaimStatus.Claimed, claimed.ToJobRequest());
                }
            }

            return StoreArguments.Refused(await GetAsync(connection, id, token).ConfigureAwait(false), now, claim);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> ReportProgressAsync(long id, string lockedBy, int progress, string? message, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateProgress(lockedBy, progress);
        return ExecuteAsync(
            _sql.ReportProgress,
            new { Id = id, LockedBy = lockedBy, Progress = progress, Message = message, Now = _timeProvider.GetUtcNow() },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> ExtendLeaseAsync(long id, string lockedBy, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateLease(lockedBy, lease);
        var now = _timeProvider.GetUtcNow();
        return ExecuteAsync(_sql.ExtendLease, new { Id = id, LockedBy = lockedBy, LockedUntil = now + lease, Now = now }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> FinishAttemptAsync(long id, string lockedBy, AttemptResult result, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateResult(lockedBy, result);
        return ExecuteAsync(
            _sql.FinishAttempt(result.Outcome),
            new
            {
                Id = id,
                LockedBy = lockedBy,
                result.ResultMessage,
                result.Error,
                Undispatch = result.ReturnToOutbox,
                RetryAt = result.RetryAt?.ToUniversalTime(),
                Now = _timeProvider.GetUtcNow(),
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> CancelAsync(long id, string? reason = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(_sql.Cancel, new { Id = id, Reason = reason, Now = _timeProvider.GetUtcNow() }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRequest>> RescueExpiredLeasesAsync(CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        return WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<PostgreSqlJobRow>(
                Command(_sql.RescueExpiredLeases, new { Now = now }, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<JobRequest>)rows.OrderBy(row => row.Id).Select(row => row.ToJobRequest()).ToList();
        }, cancellationToken);
    }

    private ValueTask<bool> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(
            async (connection, token) => await connection.ExecuteAsync(Command(sql, parameters, null, token)).ConfigureAwait(false) > 0,
            cancellationToken);
}
