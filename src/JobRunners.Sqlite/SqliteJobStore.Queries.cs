using System.Text;
using Dapper;

namespace JobRunners.Sqlite;

/// <content>Listing, dispatch bookkeeping and pruning.</content>
public sealed partial class SqliteJobStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRequest>> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        StoreArguments.ValidateLimit(query.Limit);
        var sql = new StringBuilder(SqliteSql.SelectAll).Append(" WHERE 1 = 1");
        if (query.Status is not null)
        {
            sql.Append(" AND status = @Status");
        }

        if (query.JobType is not null)
        {
            sql.Append(" AND job_type = @JobType");
        }

        if (query.QueueName is not null)
        {
            sql.Append(" AND queue_name = @QueueName");
        }

        if (query.CreatedFrom is not null)
        {
            sql.Append(" AND created_at >= @CreatedFrom");
        }

        if (query.CreatedBefore is not null)
        {
            sql.Append(" AND created_at < @CreatedBefore");
        }

        if (query.BeforeId is not null)
        {
            sql.Append(" AND id < @BeforeId");
        }

        sql.Append(" ORDER BY id DESC LIMIT @Limit");
        var parameters = new
        {
            Status = query.Status?.ToStoredValue(), query.JobType, query.QueueName, CreatedFrom = UnixTime.ToMilliseconds(query.CreatedFrom), CreatedBefore = UnixTime.ToMilliseconds(query.CreatedBefore), query.BeforeId, query.Limit,
        };
        return QueryAsync(sql.ToString(), parameters, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRequest>> ListQueuedAsync(QueuedQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        StoreArguments.ValidateLimit(query.Limit);
        var sql = QueuedFilter.AppendWhere(new StringBuilder(SqliteSql.SelectAll), query, "job_type IN (SELECT value FROM json_each(@JobTypes))");
        var parameters = new
        {
            CreatedBefore = UnixTime.ToMilliseconds(query.CreatedBefore),
            query.Runner,
            DueBy = UnixTime.ToMilliseconds(query.DueBy),
            query.NotRunner,
            JobTypes = SqliteSql.JsonList(query.JobTypes),
            UnclaimedSince = UnixTime.ToMilliseconds(query.UnclaimedSince),
            query.AfterId,
            query.Limit,
        };
        return QueryAsync(sql.ToString(), parameters, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask MarkDispatchedAsync(IReadOnlyList<JobDispatchMark> marks, string runner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(marks);
        ArgumentException.ThrowIfNullOrEmpty(runner);
        if (marks.Count == 0)
        {
            return;
        }

        var now = NowMilliseconds();
        var parameters = marks.Select(mark => new { mark.Id, Runner = runner, mark.SentAtAttempts, Now = now }).ToList();
        await WithConnectionAsync(async (connection, token) =>
        {
            // Dapper runs the statement once per mark; the transaction makes that one commit.
            using var transaction = connection.BeginTransaction(deferred: false);
            var marked = await connection.ExecuteAsync(Command(SqliteSql.MarkDispatched, parameters, transaction, token)).ConfigureAwait(false);
            transaction.Commit();
            return marked;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<int> PruneAsync(DateTimeOffset finishedBefore, string? jobType = null, IReadOnlyCollection<string>? exceptJobTypes = null, CancellationToken cancellationToken = default)
    {
        var sql = jobType is null ? SqliteSql.Prune : SqliteSql.Prune + " AND job_type = @JobType";
        if (exceptJobTypes is { Count: > 0 })
        {
            sql += " AND job_type NOT IN @Except";
        }

        var parameters = new { FinishedBefore = UnixTime.ToMilliseconds(finishedBefore), JobType = jobType, Except = exceptJobTypes?.ToArray() ?? [], Now = UnixTime.ToMilliseconds(_timeProvider.GetUtcNow()) };
        return WithConnectionAsync(
            (connection, token) => connection.ExecuteAsync(Command(sql, parameters, null, token)),
            cancellationToken);
    }

    private ValueTask<IReadOnlyList<JobRequest>> QueryAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<SqliteJobRow>(Command(sql, parameters, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<JobRequest>)rows.Select(row => row.ToJobRequest()).ToList();
        }, cancellationToken);
}
