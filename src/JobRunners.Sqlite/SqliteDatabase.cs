using Dapper;
using Microsoft.Data.Sqlite;

namespace JobRunners.Sqlite;

/// <summary>
/// The one SQLite file both stores use: how connections are opened (busy timeout, synchronous mode), and how
/// driver errors become <see cref="JobStoreException"/>s that say what to do.
/// </summary>
internal sealed class SqliteDatabase
{
    private const int BusyTimeoutMilliseconds = 5000;

    private readonly string _connectionString;
    private volatile bool _directoryReady;

    public SqliteDatabase(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new ArgumentException("SqliteStoreOptions.Path is empty: give the database file's path.", nameof(options));
        }

        Path = System.IO.Path.GetFullPath(options.Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Runs <paramref name="work"/> on an open connection; a missing table means migrations were not applied.</summary>
    /// <param name="work">The statements.</param>
    /// <param name="missing">What is missing when a table is, e.g. "schema is" or "schedule tables are".</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async ValueTask<T> WithConnectionAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, string missing, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                return await work(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException exception) when (exception.SqliteErrorCode == 1
                && exception.Message.Contains("no such table", StringComparison.OrdinalIgnoreCase))
            {
                throw new JobStoreException(
                    $"The JobRunners {missing} missing in the SQLite database '{Path}': run `jobrunners migrate`, " +
                    "or set JobRunners:MigrateOnStartup=true.",
                    exception,
                    schemaMissing: true);
            }
            catch (SqliteException exception) when (!cancellationToken.IsCancellationRequested)
            {
                throw Failed(exception, "A statement on");
            }
        }
    }

    /// <summary>
    /// A driver error as a <see cref="JobStoreException"/> naming the file and what to do. A failed statement or
    /// transaction rolled back, so nothing it wrote is kept.
    /// </summary>
    private JobStoreException Failed(SqliteException exception, string what)
    {
        var advice = (exception.SqliteErrorCode & 0xFF) switch
        {
            11 or 26 => "The file is corrupted or is not a SQLite database: restore it from a backup, or choose another file in JobRunners:Sqlite:Path.",
            8 => "The file is read-only for this process: give it write access to the file and its directory (SQLite writes the -wal and -shm files beside it), or choose another file in JobRunners:Sqlite:Path.",
            5 or 6 => "Another process held the database locked for longer than the busy timeout: try again, and check for a process holding a long transaction.",
            13 => "The disk is full: free space, or choose another file in JobRunners:Sqlite:Path.",
            3 or 14 => "The file cannot be opened: check that it and its directory exist and are readable and writable by this process.",
            _ => "Check the file, or choose another one in JobRunners:Sqlite:Path.",
        };
        return new JobStoreException($"{what} the JobRunners SQLite database '{Path}' failed: {exception.Message} {advice}", exception);
    }

    public async ValueTask<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        EnsureDirectory();
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // Per connection: wait for another writer instead of failing with "database is locked"; NORMAL is
            // durable against application crashes in WAL mode and avoids an fsync per commit.
            await connection.ExecuteAsync(new CommandDefinition(
                $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException exception)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Failed(exception, "Opening");
        }
    }

    private void EnsureDirectory()
    {
        if (_directoryReady)
        {
            return;
        }

        var directory = System.IO.Path.GetDirectoryName(Path);
        try
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new JobStoreException(
                $"Cannot create the directory '{directory}' for the JobRunners SQLite database: {exception.Message} " +
                "Choose a writable location in SqliteStoreOptions.Path.",
                exception);
        }

        _directoryReady = true;
    }
}
