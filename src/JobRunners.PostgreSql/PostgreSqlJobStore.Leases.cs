using Dapper;
using Npgsql;
using NpgsqlTypes;
using static JobRunners.PostgreSql.PostgreSqlJobReader;

namespace JobRunners.PostgreSql;

/// <content>Claims and the lease holder's writes.</content>
public sealed partial class PostgreSqlJobStore
{
    /// <inheritdoc />
    /// <remarks>One call of the <c>claim_jobs</c> function the migrations install; see <see cref="PostgreSqlClaimFunction"/>.</remarks>
    public ValueTask<IReadOnlyList<JobRequest>> ClaimAsync(JobClaimRequest request, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateClaim(request);
        if (request.Ids is { Count: 0 })
        {
            return ValueTask.FromResult<IReadOnlyList<JobRequest>>([]);
        }

        var now = _timeProvider.GetUtcNow().UtcDateTime;
        return WithConnectionAsync(async (connection, token) =>
        {
            var command = new NpgsqlCommand(_sql.Claim, connection)
            {
                Parameters =
                {
                    Parameter(request.WorkerId),
                    Parameter(now),
                    LeaseParameter(now, request.Lease),
                    Parameter(request.Limit),
                    Parameter(request.Ids?.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint),
                    Parameter(request.IgnoreRunAt),
                    Parameter(request.Runner, NpgsqlDbType.Text),
                    Parameter(request.JobTypes?.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text),
                    Parameter(request.Queues?.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text),
                    Parameter(Schema),
                },
            };
            await using (command.ConfigureAwait(false))
            {
                var rows = await ReadJobsAsync(command, token).ConfigureAwait(false);

                // RETURNING has no order; hand rows out in claim order.
                rows.Sort(static (a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : a.RunAt != b.RunAt ? a.RunAt.CompareTo(b.RunAt) : a.Id.CompareTo(b.Id));
                return (IReadOnlyList<JobRequest>)rows;
            }
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

        var now = _timeProvider.GetUtcNow().UtcDateTime;
        return WithConnectionAsync(async (connection, token) =>
        {
            var command = new NpgsqlCommand(_sql.ExtendLeases, connection)
            {
                Parameters = { Parameter(ids.ToArray()), Parameter(lockedBy), LeaseParameter(now, lease), Parameter(now) },
            };
            await using (command.ConfigureAwait(false))
            {
                return (IReadOnlyList<long>)await ReadIdsAsync(command, token).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<long>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateCompletions(completions);
        if (completions.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<long>>([]);
        }

        var count = completions.Count;
        var ids = new long[count];
        var holders = new string[count];
        var kinds = new string[count];
        var retryAts = new DateTime?[count];
        var errors = new string?[count];
        var messages = new string?[count];
        var undispatch = new bool[count];
        var remove = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var completion = completions[i];
            ids[i] = completion.Id;
            holders[i] = completion.LockedBy;
            kinds[i] = StoreArguments.StoredKind(completion.Outcome.Kind);
            retryAts[i] = completion.Outcome.RetryAt?.UtcDateTime;
            errors[i] = completion.Outcome.Reason;
            messages[i] = completion.ResultMessage;
            undispatch[i] = completion.ReturnToOutbox;
            remove[i] = completion.DeleteOnSuccess;
        }

        var now = _timeProvider.GetUtcNow().UtcDateTime;
        return WithConnectionAsync(async (connection, token) =>
        {
            var command = new NpgsqlCommand(_sql.Complete, connection)
            {
                Parameters =
                {
                    Parameter(ids), Parameter(holders), Parameter(kinds),
                    Parameter(retryAts, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz),
                    Parameter(errors, NpgsqlDbType.Array | NpgsqlDbType.Text),
                    Parameter(messages, NpgsqlDbType.Array | NpgsqlDbType.Text),
                    Parameter(undispatch), Parameter(remove), Parameter(now),
                },
            };
            await using (command.ConfigureAwait(false))
            {
                return (IReadOnlyList<long>)await ReadIdsAsync(command, token).ConfigureAwait(false);
            }
        }, cancellationToken);
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

    /// <summary>The lease's end on the store's clock, or its length when the database's clock times leases.</summary>
    private NpgsqlParameter LeaseParameter(DateTime now, TimeSpan lease) =>
        LeasesOnDatabaseClock ? Parameter(lease) : Parameter(now + lease);

    private ValueTask<bool> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WithConnectionAsync(
            async (connection, token) => await connection.ExecuteAsync(Command(sql, parameters, null, token)).ConfigureAwait(false) > 0,
            cancellationToken);
}
