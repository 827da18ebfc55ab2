using Dapper;
using JobRunners.Storage;

namespace JobRunners.PostgreSql;

/// <content>Claims and the lease holder's writes.</content>
public sealed partial class PostgreSqlJobStore
{
    /// <inheritdoc />
    /// <remarks>One call of the <c>claim_jobs</c> function the migrations install; see its comments for how it keeps <c>locks_queue</c> exact.</remarks>
    public ValueTask<IReadOnlyList<JobRequest>> ClaimAsync(JobClaimRequest request, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateClaim(request);
        if (request.Ids is { Count: 0 })
        {
            return ValueTask.FromResult<IReadOnlyList<JobRequest>>([]);
        }

        var now = _timeProvider.GetUtcNow();
        var parameters = new
        {
            request.WorkerId,
            Now = now,
            LockedUntil = now + request.Lease,
            request.Limit,
            Ids = request.Ids?.ToArray(),
            request.IgnoreRunAt,
            request.Runner,
            JobTypes = request.JobTypes?.ToArray(),
            Queues = request.Queues?.ToArray(),
            LockSpace = Schema,
        };

        return WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<PostgreSqlJobRow>(Command(_sql.Claim, parameters, null, token)).ConfigureAwait(false);

            // RETURNING has no order; hand rows out in claim order.
            return (IReadOnlyList<JobRequest>)rows.OrderByDescending(r => r.Priority).ThenBy(r => r.RunAt).ThenBy(r => r.Id).Select(r => r.ToJobRequest()).ToList();
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
    public ValueTask<IReadOnlyList<long>> ExtendLeasesAsync(IReadOnlyCollection<long> ids, string lockedBy, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        StoreArguments.ValidateLease(lockedBy, lease);
        if (ids.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<long>>([]);
        }

        var now = _timeProvider.GetUtcNow();
        var parameters = new { Ids = ids.ToArray(), LockedBy = lockedBy, LockedUntil = now + lease, Now = now };
        return WithConnectionAsync(
            async (connection, token) => (IReadOnlyList<long>)(await connection.QueryAsync<long>(Command(_sql.ExtendLeases, parameters, null, token)).ConfigureAwait(false)).ToList(),
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<long>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateCompletions(completions);
        if (completions.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<long>>([]);
        }

        var parameters = new
        {
            Ids = completions.Select(c => c.Id).ToArray(),
            LockedBy = completions.Select(c => c.LockedBy).ToArray(),
            Kinds = completions.Select(c => StoreArguments.StoredKind(c.Outcome.Kind)).ToArray(),
            RetryAts = completions.Select(c => c.Outcome.RetryAt?.UtcDateTime).ToArray(),
            Errors = completions.Select(c => c.Outcome.Reason).ToArray(),
            Messages = completions.Select(c => c.ResultMessage).ToArray(),
            Undispatch = completions.Select(c => c.ReturnToOutbox).ToArray(),
            Remove = completions.Select(c => c.DeleteOnSuccess).ToArray(),
            Now = _timeProvider.GetUtcNow(),
        };
        return WithConnectionAsync(
            async (connection, token) => (IReadOnlyList<long>)(await connection.QueryAsync<long>(Command(_sql.Complete, parameters, null, token)).ConfigureAwait(false)).ToList(),
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

    /// <inheritdoc />
    public ValueTask<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        StoreArguments.ValidateLimit(request.Limit);
        var parameters = new { Now = _timeProvider.GetUtcNow(), UndispatchedBefore = request.UndispatchedBefore?.ToUniversalTime(), request.Limit };
        return WithConnectionAsync(async (connection, token) =>
        {
            var rows = (await connection.QueryAsync<PostgreSqlJobRow>(Command(_sql.Sweep, parameters, null, token)).ConfigureAwait(false)).ToList();
            return new SweepResult(
                rows.Where(r => r.Rescued).OrderBy(r => r.Id).Select(r => r.ToJobRequest()).ToList(),
                rows.Where(r => !r.Rescued).OrderBy(r => r.Id).Select(r => r.ToJobRequest()).ToList());
        }, cancellationToken);
    }

    private ValueTask<bool> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(
            async (connection, token) => await connection.ExecuteAsync(Command(sql, parameters, null, token)).ConfigureAwait(false) > 0,
            cancellationToken);
}
