using Dapper;

namespace JobRunners.Sqlite;

/// <content>Claims and the lease holder's writes.</content>
public sealed partial class SqliteJobStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRequest>> ClaimAsync(JobClaimRequest request, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateClaim(request);

        // An empty list filter matches no row: nothing to ask the database.
        if (request.Ids is { Count: 0 } || request.JobTypes is { Count: 0 } || request.Queues is { Count: 0 })
        {
            return ValueTask.FromResult<IReadOnlyList<JobRequest>>([]);
        }

        var now = _timeProvider.GetUtcNow();
        var sql = SqliteClaimSql.Build(request);
        var parameters = new
        {
            request.WorkerId,
            LockedUntil = UnixTime.ToMilliseconds(now + request.Lease),
            Now = UnixTime.ToMilliseconds(now),
            request.Limit,
            Ids = SqliteSql.JsonList(request.Ids),
            JobTypes = SqliteSql.JsonList(request.JobTypes),
            Queues = SqliteSql.JsonList(request.Queues),
            request.Runner,
        };

        return WithConnectionAsync(async (connection, token) =>
        {
            // RETURNING gives rows in no set order; the contract's order is the claim order.
            var rows = await connection.QueryAsync<SqliteJobRow>(Command(sql, parameters, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<JobRequest>)rows
                .OrderByDescending(row => row.Priority).ThenBy(row => row.RunAt).ThenBy(row => row.Id)
                .Select(row => row.ToJobRequest())
                .ToList();
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
    public ValueTask<IReadOnlyList<long>> ExtendLeasesAsync(IReadOnlyCollection<long> ids, string lockedBy, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        StoreArguments.ValidateLease(lockedBy, lease);
        if (ids.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<long>>([]);
        }

        var now = _timeProvider.GetUtcNow();
        var parameters = new
        {
            Ids = SqliteSql.JsonList(ids),
            LockedBy = lockedBy,
            LockedUntil = UnixTime.ToMilliseconds(now + lease),
            Now = UnixTime.ToMilliseconds(now),
        };
        return WithConnectionAsync(async (connection, token) =>
            (IReadOnlyList<long>)(await connection.QueryAsync<long>(
                Command(SqliteSql.ExtendLeases, parameters, null, token)).ConfigureAwait(false)).ToList(),
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

        var now = NowMilliseconds();
        return WithConnectionAsync(async (connection, token) =>
        {
            // One transaction: one commit (and one wait for the write lock) for the whole batch instead of one per row.
            using var transaction = connection.BeginTransaction(deferred: false);
            var written = new List<long>(completions.Count);
            foreach (var completion in completions)
            {
                var parameters = new
                {
                    completion.Id,
                    completion.LockedBy,
                    completion.ResultMessage,
                    Error = completion.Outcome.Reason,
                    Undispatch = completion.ReturnToOutbox,
                    RetryAt = UnixTime.ToMilliseconds(completion.Outcome.RetryAt),
                    Now = now,
                };
                if (await connection.ExecuteAsync(Command(SqliteSql.Complete(completion), parameters, transaction, token)).ConfigureAwait(false) > 0)
                {
                    written.Add(completion.Id);
                }
            }

            transaction.Commit();
            return (IReadOnlyList<long>)written;
        }, cancellationToken);
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

    /// <inheritdoc />
    public ValueTask<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        StoreArguments.ValidateLimit(request.Limit);
        var now = NowMilliseconds();
        return WithConnectionAsync(async (connection, token) =>
        {
            // Under the write lock the rescue and the read see the same rows: one that is rescued now is not listed again.
            using var transaction = connection.BeginTransaction(deferred: false);
            var rescued = (await connection.QueryAsync<SqliteJobRow>(
                Command(SqliteSql.RescueExpiredLeases, new { Now = now }, transaction, token)).ConfigureAwait(false)).ToList();
            var undispatched = request.UndispatchedBefore is { } before
                ? (await connection.QueryAsync<SqliteJobRow>(Command(
                    SqliteSql.ListUndispatched,
                    new { Now = now, Before = UnixTime.ToMilliseconds(before), Rescued = SqliteSql.JsonList(rescued.Select(r => r.Id)), request.Limit },
                    transaction,
                    token)).ConfigureAwait(false)).ToList()
                : [];
            transaction.Commit();
            return new SweepResult(
                rescued.OrderBy(r => r.Id).Select(r => r.ToJobRequest()).ToList(),
                undispatched.Select(r => r.ToJobRequest()).ToList());
        }, cancellationToken);
    }

    private ValueTask<bool> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(
            async (connection, token) => await connection.ExecuteAsync(Command(sql, parameters, null, token)).ConfigureAwait(false) > 0,
            cancellationToken);
}
