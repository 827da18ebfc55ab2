using Dapper;
using Npgsql;

namespace JobRunners.PostgreSql;

/// <content>
/// The queue side of the store, beyond the <see cref="IJobStore"/> contract: its NOTIFY channel, notifications, the
/// next due time and the connection a worker listens on. Public so the <c>postgres</c> runner (a separate package) and
/// other consumers of the <c>job_request</c> queue use it through the same versioned surface as everyone else.
/// </content>
public sealed partial class PostgreSqlJobStore
{
    private const string NotifySql = "SELECT count(pg_notify(@Channel, m))::int FROM unnest(@Messages::text[]) AS m";

    private string NextDueSql => $"""
        SELECT min(run_at) FROM {QuotedSchema}.job_request
        WHERE status = 'queued' AND run_at > @Now AND runner = @Runner AND job_type = ANY(@JobTypes::text[])
          AND (@Queues::text[] IS NULL OR queue_name = ANY(@Queues::text[]))
        """;

    /// <summary>The LISTEN/NOTIFY channel for this schema: <c>jobrunners_&lt;schema&gt;</c>, cut to PostgreSQL's 63-byte limit.</summary>
    public string DefaultChannel
    {
        get
        {
            var name = "jobrunners_" + Schema;
            return name.Length > 63 ? name[..63] : name;
        }
    }

    /// <summary>Sends <paramref name="messages"/> on <paramref name="channel"/> in one round trip.</summary>
    /// <param name="channel">The channel, such as <see cref="DefaultChannel"/>.</param>
    /// <param name="messages">The payloads, one notification each.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async ValueTask NotifyAsync(string channel, IReadOnlyList<string> messages, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await WithConnectionAsync(
            (connection, token) => connection.ExecuteScalarAsync<int>(Command(NotifySql, new { Channel = channel, Messages = messages.ToArray() }, null, token)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// When the next queued row of <paramref name="runner"/>, <paramref name="jobTypes"/> and (when given)
    /// <paramref name="queues"/> that is not yet due comes due, or null: lets a worker that may have missed
    /// notifications (it was not listening) set its wake-up. Reads every queued row of those types; call it rarely.
    /// </summary>
    /// <param name="runner">The runner whose rows count.</param>
    /// <param name="jobTypes">The job types (and task names) that count.</param>
    /// <param name="queues">The queues that count; null for any.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public ValueTask<DateTimeOffset?> NextDueAsync(string runner, IReadOnlyCollection<string> jobTypes, IReadOnlyCollection<string>? queues, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runner);
        ArgumentNullException.ThrowIfNull(jobTypes);
        var parameters = new { Runner = runner, JobTypes = jobTypes.ToArray(), Queues = queues?.ToArray(), Now = _timeProvider.GetUtcNow() };
        return WithConnectionAsync(async (connection, token) =>
        {
            var due = await connection.ExecuteScalarAsync<DateTime?>(Command(NextDueSql, parameters, null, token)).ConfigureAwait(false);
            return due is { } utc ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) : (DateTimeOffset?)null;
        }, cancellationToken);
    }

    /// <summary>Opens a connection of the store's pool for a worker to LISTEN on; the caller disposes it.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>An open connection.</returns>
    public ValueTask<NpgsqlConnection> OpenListenerConnectionAsync(CancellationToken cancellationToken = default) => OpenAsync(cancellationToken);
}
