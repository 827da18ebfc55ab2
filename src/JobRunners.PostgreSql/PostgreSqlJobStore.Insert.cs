using Dapper;
using Npgsql;
using NpgsqlTypes;
using static JobRunners.PostgreSql.PostgreSqlJobReader;

namespace JobRunners.PostgreSql;

/// <content>Writing new rows: one statement for a whole batch; unique keys resolved against unfinished rows.</content>
public sealed partial class PostgreSqlJobStore
{
    // A key's holder can finish between the skipped insert and the read of it; then the row is written again.
    private const int MaxKeyRounds = 10;

    /// <inheritdoc />
    public async ValueTask<InsertResult> InsertAsync(NewJobRequest job, CancellationToken cancellationToken = default) =>
        (await InsertManyAsync([job], cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<InsertResult>> InsertManyAsync(IReadOnlyList<NewJobRequest> jobs, CancellationToken cancellationToken = default) =>
        InsertAsync(jobs, null, cancellationToken);

    /// <summary>
    /// Writes rows as <see cref="InsertManyAsync"/> does and, in the same statement, sends <paramref name="messages"/>
    /// on <paramref name="channel"/> (delivered when the rows commit): the <c>postgres</c> runner's dispatch.
    /// </summary>
    /// <param name="jobs">The rows to write.</param>
    /// <param name="channel">The NOTIFY channel, such as <see cref="DefaultChannel"/>.</param>
    /// <param name="messages">The notification payloads; none sends nothing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per row, in order: the row, and whether it was written or an unfinished row with its unique key returned.</returns>
    public ValueTask<IReadOnlyList<InsertResult>> InsertAndNotifyAsync(IReadOnlyList<NewJobRequest> jobs, string channel, IReadOnlyList<string> messages, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(messages);
        return InsertAsync(jobs, messages.Count == 0 ? null : (channel, messages), cancellationToken);
    }

    private ValueTask<IReadOnlyList<InsertResult>> InsertAsync(IReadOnlyList<NewJobRequest> jobs, (string Channel, IReadOnlyList<string> Messages)? notify, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        foreach (var job in jobs)
        {
            StoreArguments.ValidateInsert(job);
        }

        if (jobs.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<InsertResult>>([]);
        }

        return WithWriteAsync(async (connection, token) =>
        {
            var results = new InsertResult[jobs.Count];

            // An identity repeated within the batch is written once; the later items get the first one's row.
            var firstWithIdentity = new Dictionary<RowIdentity, int>();
            var pending = new List<int>(jobs.Count);
            for (var i = 0; i < jobs.Count; i++)
            {
                if (RowIdentity.Of(jobs[i]) is not { } identity || firstWithIdentity.TryAdd(identity, i))
                {
                    pending.Add(i);
                }
            }

            // One row needs no transaction: each round is one statement, and the next round reads a changed holder
            // again. A batch that may take several rounds is written all or none: one transaction.
            if (firstWithIdentity.Count == 0 || jobs.Count == 1)
            {
                await WriteAllAsync(connection, null, jobs, pending, results, notify, token).ConfigureAwait(false);
            }
            else
            {
                var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await WriteAllAsync(connection, transaction, jobs, pending, results, notify, token).ConfigureAwait(false);
                    await transaction.CommitAsync(token).ConfigureAwait(false);
                }
            }

            for (var i = 0; i < jobs.Count; i++)
            {
                if (RowIdentity.Of(jobs[i]) is { } identity && firstWithIdentity[identity] != i)
                {
                    results[i] = results[firstWithIdentity[identity]] with { Created = false };
                }
            }

            return (IReadOnlyList<InsertResult>)results;
        }, cancellationToken);
    }

    private async Task WriteAllAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        IReadOnlyList<NewJobRequest> jobs,
        List<int> pending,
        InsertResult[] results,
        (string Channel, IReadOnlyList<string> Messages)? notify,
        CancellationToken cancellationToken)
    {
        for (var round = 0; pending.Count > 0; round++)
        {
            if (round == MaxKeyRounds)
            {
                throw new JobStoreException(
                    $"Could not write {pending.Count} job(s) with unique keys ({string.Join(", ", pending.Select(i => jobs[i].UniqueKey))}): the rows holding the keys kept changing. Try again.");
            }

            pending = await WriteRoundAsync(connection, transaction, jobs, pending, results, notify, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Inserts the pending rows; fills the results of those written and of those whose identity is held; releases the
    /// identities of holders whose period is over; returns the rows to try again.
    /// </summary>
    private async Task<List<int>> WriteRoundAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        IReadOnlyList<NewJobRequest> jobs,
        List<int> pending,
        InsertResult[] results,
        (string Channel, IReadOnlyList<string> Messages)? notify,
        CancellationToken cancellationToken)
    {
        var clock = _timeProvider.GetUtcNow();
        var now = clock.UtcDateTime;
        var count = pending.Count;
        var keyed = pending.Any(i => jobs[i].UniqueKey is not null);
        var command = new NpgsqlCommand(_sql.Insert(single: count == 1, keyed, notify is not null), connection, transaction);
        if (count == 1)
        {
            AddScalars(command.Parameters, jobs[pending[0]], clock);
        }
        else
        {
            AddArrays(command.Parameters, jobs, pending, clock);
        }

        if (notify is { } n)
        {
            command.Parameters.Add(Parameter(n.Channel));
            command.Parameters.Add(Parameter(n.Messages as string[] ?? [.. n.Messages]));
        }

        List<JobRequest> written;
        var holders = new Dictionary<RowIdentity, JobRequest>();
        await using (command.ConfigureAwait(false))
        {
            if (!keyed)
            {
                written = await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                written = [];
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var row = Read(reader);
                        if (reader.GetBoolean(ColumnCount))
                        {
                            written.Add(row);
                        }
                        else
                        {
                            holders.TryAdd(RowIdentity.Of(row)!.Value, row);
                        }
                    }
                }
            }
        }

        if (written.Count == count && count == 1 && !keyed)
        {
            results[pending[0]] = new InsertResult(written[0], Created: true);
            return [];
        }

        written.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        var byIdentity = written.Where(r => r.UniqueKey is not null).ToDictionary(r => RowIdentity.Of(r)!.Value);
        using var unkeyed = written.Where(r => r.UniqueKey is null).GetEnumerator();
        var again = new List<int>();
        var expired = new List<long>();
        foreach (var i in pending)
        {
            if (RowIdentity.Of(jobs[i]) is not { } identity)
            {
                unkeyed.MoveNext();
                results[i] = new InsertResult(unkeyed.Current, Created: true);
            }
            else if (byIdentity.TryGetValue(identity, out var row))
            {
                results[i] = new InsertResult(row, Created: true);
            }
            else if (holders.TryGetValue(identity, out var holder) && !RowIdentity.HasExpired(holder, clock))
            {
                results[i] = new InsertResult(holder, Created: false);
            }
            else
            {
                // No holder in this statement's snapshot (it finished, or committed after the snapshot), or one whose
                // period is over: release that one and insert again.
                if (holder is not null)
                {
                    expired.Add(holder.Id);
                }

                again.Add(i);
            }
        }

        if (expired.Count > 0)
        {
            var release = new NpgsqlCommand(_sql.ReleaseExpiredIdentities, connection, transaction)
            {
                Parameters = { Parameter(expired.ToArray()), Parameter(now) },
            };
            await using (release.ConfigureAwait(false))
            {
                await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return again;
    }

    /// <summary>The insert's parameters $1-$15 for one row, as scalars.</summary>
    private static void AddScalars(NpgsqlParameterCollection parameters, NewJobRequest job, DateTimeOffset clock)
    {
        var now = clock.UtcDateTime;
        parameters.Add(Parameter(job.JobType));
        parameters.Add(Parameter(job.QueueName));
        parameters.Add(Parameter(job.Payload));
        parameters.Add(Parameter(job.MaxAttempts));
        parameters.Add(Parameter(job.Priority));
        parameters.Add(Parameter(job.RunAt?.UtcDateTime ?? now));
        parameters.Add(Nullable(job.UniqueKey, NpgsqlDbType.Text));
        parameters.Add(Parameter(job.LocksQueue));
        parameters.Add(Nullable(job.Runner, NpgsqlDbType.Text));
        parameters.Add(Parameter(job.Dispatched));
        parameters.Add(Parameter(now));
        parameters.Add(Nullable(job.TraceParent, NpgsqlDbType.Text));
        parameters.Add(Nullable(job.TraceState, NpgsqlDbType.Text));
        parameters.Add(Nullable(StoredValues.UniqueUntil(job, clock)?.UtcDateTime, NpgsqlDbType.TimestampTz));
        parameters.Add(Parameter(job.UniquePerQueue));
    }

    /// <summary>The insert's parameters $1-$15 for many rows, as arrays in the rows' order.</summary>
    private static void AddArrays(NpgsqlParameterCollection parameters, IReadOnlyList<NewJobRequest> jobs, List<int> pending, DateTimeOffset clock)
    {
        var now = clock.UtcDateTime;
        var count = pending.Count;
        var types = new string[count];
        var queues = new string[count];
        var payloads = new string[count];
        var maxAttempts = new int[count];
        var priorities = new int[count];
        var runAts = new DateTime[count];
        var keys = new string?[count];
        var locks = new bool[count];
        var runners = new string?[count];
        var dispatched = new bool[count];
        var traceParents = new string?[count];
        var traceStates = new string?[count];
        var uniqueUntil = new DateTime?[count];
        var perQueue = new bool[count];
        for (var k = 0; k < count; k++)
        {
            var job = jobs[pending[k]];
            types[k] = job.JobType;
            queues[k] = job.QueueName;
            payloads[k] = job.Payload;
            maxAttempts[k] = job.MaxAttempts;
            priorities[k] = job.Priority;
            runAts[k] = job.RunAt?.UtcDateTime ?? now;
            keys[k] = job.UniqueKey;
            locks[k] = job.LocksQueue;
            runners[k] = job.Runner;
            dispatched[k] = job.Dispatched;
            traceParents[k] = job.TraceParent;
            traceStates[k] = job.TraceState;
            uniqueUntil[k] = StoredValues.UniqueUntil(job, clock)?.UtcDateTime;
            perQueue[k] = job.UniquePerQueue;
        }

        parameters.Add(Parameter(types));
        parameters.Add(Parameter(queues));
        parameters.Add(Parameter(payloads));
        parameters.Add(Parameter(maxAttempts));
        parameters.Add(Parameter(priorities));
        parameters.Add(Parameter(runAts));
        parameters.Add(Parameter(keys, NpgsqlDbType.Array | NpgsqlDbType.Text));
        parameters.Add(Parameter(locks));
        parameters.Add(Parameter(runners, NpgsqlDbType.Array | NpgsqlDbType.Text));
        parameters.Add(Parameter(dispatched));
        parameters.Add(Parameter(now));
        parameters.Add(Parameter(traceParents, NpgsqlDbType.Array | NpgsqlDbType.Text));
        parameters.Add(Parameter(traceStates, NpgsqlDbType.Array | NpgsqlDbType.Text));
        parameters.Add(Parameter(uniqueUntil, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz));
        parameters.Add(Parameter(perQueue));
    }

    /// <summary>A parameter that may be null, with its type (a null tells Npgsql nothing about it).</summary>
    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}
