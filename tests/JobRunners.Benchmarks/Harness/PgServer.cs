using Npgsql;

namespace JobRunners.Benchmarks.Harness;

/// <summary>
/// The benchmark's own PostgreSQL, seen from the harness. The harness connects as role <c>harness</c> so that its
/// own statements can be left out of the per-job statement counts (pg_stat_statements is keyed by role); the
/// systems under test connect as <c>postgres</c>.
/// </summary>
internal sealed class PgServer : IAsyncDisposable
{
    private readonly NpgsqlDataSource _admin;

    public PgServer(string connectionString)
    {
        ConnectionString = connectionString;
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Username = "harness", Pooling = true };
        _admin = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>What the systems under test connect with.</summary>
    public string ConnectionString { get; }

    public async Task PrepareAsync()
    {
        // As the systems' role: the harness role does not exist yet.
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'harness') THEN CREATE ROLE harness SUPERUSER LOGIN; END IF;
                END $$;
                CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                """,
                connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    public async Task<IReadOnlyDictionary<string, string>> SettingsAsync()
    {
        var names = new[] { "server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "wal_level", "max_connections", "max_wal_size" };
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            result[name] = await ScalarAsync<string>($"SHOW {name}") ?? "?";
        }

        return result;
    }

    /// <summary>Commits in the database and statements by roles other than the harness, since the server started.</summary>
    public async Task<DbCounters> CountersAsync()
    {
        // Backends publish their transaction counts when idle (at most once a second) or when they exit.
        await ExecuteAsync("SELECT pg_stat_clear_snapshot()");
        var commits = await ScalarAsync<long>("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
        var statements = await ScalarAsync<long>(
            """
            SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s
            WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND s.userid <> (SELECT oid FROM pg_roles WHERE rolname = 'harness')
            """);
        return new DbCounters(commits, statements);
    }

    /// <summary>The most frequent statements of the systems under test since the last reset, per job.</summary>
    public async Task<IReadOnlyList<StatementProfile>> TopStatementsAsync(int jobs, int limit = 10)
    {
        var list = new List<StatementProfile>();
        await using var command = _admin.CreateCommand(
            """
            SELECT s.query, s.calls, s.total_exec_time FROM pg_stat_statements s
            WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND s.userid <> (SELECT oid FROM pg_roles WHERE rolname = 'harness')
            ORDER BY s.calls DESC LIMIT $1
            """);
        command.Parameters.AddWithValue(limit);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var calls = reader.GetInt64(1);
            list.Add(new StatementProfile(reader.GetString(0), calls / (double)jobs, reader.GetDouble(2) / calls));
        }

        return list;
    }

    public Task ResetStatementsAsync() => ExecuteAsync("SELECT pg_stat_statements_reset()");

    /// <summary>
    /// The cumulative calls of every statement pg_stat_statements holds, by role, database and query id, for every
    /// role but the harness (utility statements included: the server tracks them). Two snapshots give the calls made between them.
    /// </summary>
    public async Task<StatementSnapshot> SnapshotStatementsAsync()
    {
        var entries = new Dictionary<(string Role, uint Database, long QueryId), (string Query, long Calls, double TotalMs)>();
        await using var command = _admin.CreateCommand(
            """
            SELECT r.rolname, s.dbid, coalesce(s.queryid, 0), s.query, s.calls, s.total_exec_time
            FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
            WHERE r.rolname <> 'harness'
            """);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = (reader.GetString(0), reader.GetFieldValue<uint>(1), reader.GetInt64(2));
            var (_, calls, total) = entries.GetValueOrDefault(key, ("", 0, 0));
            entries[key] = (reader.GetString(3), calls + reader.GetInt64(4), total + reader.GetDouble(5));
        }

        return new StatementSnapshot(entries);
    }

    /// <summary>Creates a superuser login role (once), so that one system's statements can be told apart from every other's.</summary>
    public Task EnsureRoleAsync(string role) => ExecuteAsync(
        $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} SUPERUSER LOGIN; END IF; END $$");

    public async Task ExecuteAsync(string sql, int timeoutSeconds = 600)
    {
        await using var command = _admin.CreateCommand(sql);
        command.CommandTimeout = timeoutSeconds;
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var command = _admin.CreateCommand(sql);
        command.CommandTimeout = 600;
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public NpgsqlDataSource Admin => _admin;

    public ValueTask DisposeAsync() => _admin.DisposeAsync();
}

/// <summary>Server-wide counters: commits (pg_stat_database) and statements (pg_stat_statements).</summary>
internal readonly record struct DbCounters(long Commits, long Statements)
{
    public static DbCounters operator -(DbCounters after, DbCounters before) =>
        new(after.Commits - before.Commits, after.Statements - before.Statements);
}

/// <summary>One normalized statement: how often it ran per job and its mean server time.</summary>
internal sealed record StatementProfile(string Query, double CallsPerJob, double MeanMs);

/// <summary>pg_stat_statements at one moment: cumulative calls and server time per role, database and statement.</summary>
internal sealed class StatementSnapshot
{
    private readonly IReadOnlyDictionary<(string Role, uint Database, long QueryId), (string Query, long Calls, double TotalMs)> _entries;

    public StatementSnapshot(IReadOnlyDictionary<(string Role, uint Database, long QueryId), (string Query, long Calls, double TotalMs)> entries) =>
        _entries = entries;

    /// <summary>The statements called since <paramref name="before"/>, most calls first.</summary>
    public IReadOnlyList<StatementCount> Since(StatementSnapshot before)
    {
        var list = new List<StatementCount>();
        foreach (var (key, (query, calls, total)) in _entries)
        {
            var (_, earlierCalls, earlierTotal) = before._entries.GetValueOrDefault(key, ("", 0, 0));
            var delta = calls - earlierCalls;
            if (delta > 0)
            {
                list.Add(new StatementCount(key.Role, query, delta, (total - earlierTotal) / delta));
            }
        }

        return list.OrderByDescending(s => s.Calls).ThenBy(s => s.Query, StringComparer.Ordinal).ToList();
    }
}

/// <summary>One normalized statement sent by one role over a window: how often, and its mean server time.</summary>
internal sealed record StatementCount(string Role, string Query, long Calls, double MeanMs);
