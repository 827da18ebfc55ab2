using Dapper;
using Npgsql;

namespace JobRunners.PostgreSql;

/// <content>What the <c>postgres</c> runner needs beyond the store contract: its NOTIFY channel and the connection a worker listens on.</content>
public sealed partial class PostgreSqlJobStore
{
    private const string NotifySql = "SELECT count(pg_notify(@Channel, m))::int FROM unnest(@Messages::text[]) AS m";

    /// <summary>The LISTEN/NOTIFY channel for this schema: <c>jobrunners_&lt;schema&gt;</c>, cut to PostgreSQL's 63-byte limit.</summary>
    internal string DefaultChannel
    {
        get
        {
            var name = "jobrunners_" + Schema;
            return name.Length > 63 ? name[..63] : name;
        }
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
            (connection, token) => connection.ExecuteScalarAsync<int>(Command(NotifySql, new { Channel = channel, Messages = messages.ToArray() }, null, token)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a connection of the store's pool for a worker to LISTEN on; the caller disposes it.</summary>
    internal ValueTask<NpgsqlConnection> OpenListenerConnectionAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);
}
