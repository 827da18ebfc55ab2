using Dapper;
using JobRunners.Storage;
using Npgsql;

namespace JobRunners.PostgreSql;

/// <content>
/// The queue side used by the PostgreSQL runner: batch reservation with <c>FOR UPDATE SKIP LOCKED</c>, batch claims
/// of reserved rows, row-and-notify inserts, and the connection a worker listens on.
/// </content>
public sealed partial class PostgreSqlJobStore
{
    private PostgreSqlQueueSql? _queueSql;

    /// <summary>The LISTEN/NOTIFY channel for this schema: <c>jobrunners_&lt;schema&gt;</c>, cut to PostgreSQL's 63-byte limit.</summary>
    internal string DefaultChannel
    {
        get
        {
            var name = "jobrunners_" + Schema;
            return name.Length > 63 ? name[..63] : name;
        }
    }

    private PostgreSqlQueueSql QueueSql => LazyInitializer.EnsureInitialized(ref _queueSql, () => new PostgreSqlQueueSql(QuotedSchema));

    /// <summary>Reserves up to <see cref="QueueReservation.Limit"/> due rows for one worker, highest priority first.</summary>
    internal ValueTask<IReadOnlyList<ReservedJob>> ReserveAsync(QueueReservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentException.ThrowIfNullOrEmpty(reservation.WorkerId, nameof(reservation));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(reservation.Limit, nameof(reservation));
        var now = _timeProvider.GetUtcNow();
        var parameters = new
        {
            Now = now,
            ReservedUntil = now + reservation.ReservedFor,
            reservation.WorkerId,
            reservation.Runner,
            JobTypes = reservation.JobTypes.ToArray(),
            AnyQueue = reservation.Queues is null,
            Queues = reservation.Queues?.ToArray() ?? [],
            reservation.Limit,
        };

        return WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<ReservedJob>(Command(QueueSql.Reserve, parameters, null, token)).ConfigureAwait(false);

            // RETURNING has no order; hand rows out in the order they were picked.
            return (IReadOnlyList<ReservedJob>)rows.OrderByDescending(r => r.Priority).ThenBy(r => r.RunAt).ThenBy(r => r.Id).ToList();
        }, cancellationToken);
    }

    /// <summary>
    /// Claims ordinary (non-locking) rows this worker reserved, in one round trip; returns the rows claimed, now
    /// running under <paramref name="workerId"/>. A row not returned stays reserved: release it.
    /// </summary>
    internal ValueTask<IReadOnlyList<JobRequest>> ClaimReservedAsync(IReadOnlyList<long> ids, string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        StoreArguments.ValidateLease(workerId, lease);
        if (ids.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<JobRequest>>([]);
        }

        var now = _timeProvider.GetUtcNow();
        var parameters = new { Ids = ids.ToArray(), WorkerId = workerId, LockedUntil = now + lease, Now = now, LockSpace = Schema };
        return WithConnectionAsync(async (connection, token) =>
        {
            var results = await connection.QueryMultipleAsync(Command(QueueSql.ClaimReserved, parameters, null, token)).ConfigureAwait(false);
            await using (results.ConfigureAwait(false))
            {
                await results.ReadAsync<long>().ConfigureAwait(false);
                var claimed = await results.ReadAsync<PostgreSqlJobRow>().ConfigureAwait(false);
                return (IReadOnlyList<JobRequest>)claimed.OrderBy(row => row.Id).Select(row => row.ToJobRequest()).ToList();
            }
        }, cancellationToken);
    }

    /// <summary>Gives back reservations this worker did not claim, so any worker can take the rows at once.</summary>
    internal ValueTask<int> ReleaseReservationsAsync(IReadOnlyList<long> ids, string workerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        return ids.Count == 0
            ? ValueTask.FromResult(0)
            : WithConnectionAsync(
                (connection, token) => connection.ExecuteAsync(Command(QueueSql.ReleaseReservations, new { Ids = ids.ToArray(), WorkerId = workerId }, null, token)),
                cancellationToken);
    }

    /// <summary>Deletes a row the caller holds the lease on (a task that ran: tasks leave no history). False when it no longer does.</summary>
    internal ValueTask<bool> DeleteRunningAsync(long id, string lockedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(lockedBy);
        return ExecuteAsync(QueueSql.DeleteRunning, new { Id = id, LockedBy = lockedBy }, cancellationToken);
    }

    /// <summary>
    /// Writes new queued rows without unique keys and sends <paramref name="messages"/> on <paramref name="channel"/>,
    /// in one statement and one round trip. Returns the rows in the order given.
    /// </summary>
    internal ValueTask<IReadOnlyList<JobRequest>> InsertAndNotifyAsync(IReadOnlyList<NewJobRequest> rows, string channel, IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        foreach (var row in rows)
        {
            StoreArguments.ValidateInsert(row);
            if (row.UniqueKey is not null)
            {
                throw new ArgumentException("Rows with a unique key are written one by one with InsertAsync, which returns the existing row on a clash.", nameof(rows));
            }
        }

        var now = _timeProvider.GetUtcNow();
        var parameters = new
        {
            JobTypes = rows.Select(r => r.JobType).ToArray(),
            QueueNames = rows.Select(r => r.QueueName).ToArray(),
            Payloads = rows.Select(r => r.Payload).ToArray(),
            MaxAttempts = rows.Select(r => r.MaxAttempts).ToArray(),
            Priorities = rows.Select(r => r.Priority).ToArray(),
            RunAts = rows.Select(r => (r.RunAt ?? now).UtcDateTime).ToArray(),
            LocksQueues = rows.Select(r => r.LocksQueue).ToArray(),
            Runners = rows.Select(r => r.Runner).ToArray(),
            Dispatched = rows.Select(r => r.Dispatched).ToArray(),
            Now = now,
            Channel = channel,
            Messages = messages.ToArray(),
        };
        return WithConnectionAsync(async (connection, token) =>
        {
            var written = await connection.QueryAsync<PostgreSqlJobRow>(Command(QueueSql.InsertAndNotify, parameters, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<JobRequest>)written.OrderBy(row => row.Id).Select(row => row.ToJobRequest()).ToList();
        }, cancellationToken);
    }

    /// <summary>Sends <paramref name="messages"/> on <paramref name="channel"/> in one round trip.</summary>
    internal async ValueTask NotifyAsync(string channel, IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await WithConnectionAsync(
            (connection, token) => connection.ExecuteScalarAsync<int>(Command(QueueSql.Notify, new { Channel = channel, Messages = messages.ToArray() }, null, token)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a connection of the store's pool for a worker to LISTEN on; the caller disposes it.</summary>
    internal ValueTask<NpgsqlConnection> OpenListenerConnectionAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);
}
