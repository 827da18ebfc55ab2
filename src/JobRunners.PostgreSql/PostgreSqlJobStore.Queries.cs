using System.Text;
using Dapper;

namespace JobRunners.PostgreSql;

/// <content>Listing, dispatch bookkeeping and pruning.</content>
public sealed partial class PostgreSqlJobStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRequest>> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        StoreArguments.ValidateLimit(query.Limit);
        var sql = new StringBuilder(_sql.SelectAll).Append(" WHERE 1 = 1");
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
            Status = query.Status?.ToStoredValue(), query.JobType, query.QueueName, CreatedFrom = query.CreatedFrom?.ToUniversalTime(), CreatedBefore = query.CreatedBefore?.ToUniversalTime(), query.BeforeId, query.Limit,
        };
        return QueryAsync(sql.ToString(), parameters, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRequest>> ListQueuedAsync(QueuedQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        StoreArguments.ValidateLimit(query.Limit);
        var sql = QueuedFilter.AppendWhere(new StringBuilder(_sql.SelectAll), query, "job_type = ANY(@JobTypes)");
        var parameters = new
        {
            CreatedBefore = query.CreatedBefore?.ToUniversalTime(),
            query.Runner,
            DueBy = query.DueBy?.ToUniversalTime(),
            query.NotRunner,
            JobTypes = query.JobTypes?.ToArray(),
            UnclaimedSince = query.UnclaimedSince?.ToUniversalTime(),
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

        var parameters = new { Ids = marks.Select(m => m.Id).ToArray(), Attempts = marks.Select(m => m.SentAtAttempts).ToArray(), Runner = runner, Now = _timeProvider.GetUtcNow() };
        await WithConnectionAsync((connection, token) => connection.ExecuteAsync(Command(_sql.MarkDispatched, parameters, null, token)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRequest>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Count == 0
            ? ValueTask.FromResult<IReadOnlyList<JobRequest>>([])
            : QueryAsync(_sql.GetMany, new { Ids = ids.ToArray() }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<int> PruneAsync(DateTimeOffset finishedBefore, string? jobType = null, IReadOnlyCollection<string>? exceptJobTypes = null, CancellationToken cancellationToken = default)
    {
        var sql = jobType is null ? _sql.Prune : _sql.Prune + " AND job_type = @JobType";
        if (exceptJobTypes is { Count: > 0 })
        {
            sql += " AND NOT (job_type = ANY(@Except))";
        }

        var parameters = new { FinishedBefore = finishedBefore.ToUniversalTime(), JobType = jobType, Except = exceptJobTypes?.ToArray() ?? [], Now = _timeProvider.GetUtcNow() };
        return WithConnectionAsync(
            (connection, token) => connection.ExecuteAsync(Command(sql, parameters, null, token)),
            cancellationToken);
    }

    private ValueTask<IReadOnlyList<JobRequest>> QueryAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<PostgreSqlJobRow>(Command(sql, parameters, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<JobRequest>)rows.Select(row => row.ToJobRequest()).ToList();
        }, cancellationToken);
}
