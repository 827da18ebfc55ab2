using System.Text.RegularExpressions;
using Npgsql;

namespace JobRunners.PostgreSql;

/// <summary>
/// The connection pool and schema both PostgreSQL stores use: who owns the pool, how connections open, and how
/// driver errors become <see cref="JobStoreException"/>s that say what to do.
/// </summary>
internal sealed partial class PostgreSqlDatabase : IAsyncDisposable, IDisposable
{
    public const string ConnectionSetting = "ConnectionStrings:JobRunners";

    private readonly bool _ownsDataSource;
    private readonly string _server;
    private readonly string _database;

    private PostgreSqlDatabase(NpgsqlDataSource dataSource, bool ownsDataSource, string schema)
    {
        DataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        Schema = schema;
        QuotedSchema = $"\"{schema}\"";
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        _server = $"{builder.Host ?? "localhost"}:{builder.Port}";
        _database = builder.Database ?? builder.Username ?? "(default)";
    }

    public NpgsqlDataSource DataSource { get; }

    public string Schema { get; }

    public string QuotedSchema { get; }

    /// <summary>A pool of its own, made from <see cref="PostgreSqlStoreOptions.ConnectionString"/> and disposed with this.</summary>
    public static PostgreSqlDatabase Create(PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var schema = ValidSchema(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException(
                $"PostgreSqlStoreOptions.ConnectionString is empty: set `{ConnectionSetting}`, e.g. \"Host=localhost;Username=app;Password=...;Database=app\".",
                nameof(options));
        }

        string connectionString;
        try
        {
            connectionString = WithDefaults(options.ConnectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The driver's message names the keyword at fault, never its value: safe to show.
            throw new ArgumentException(
                $"The PostgreSQL connection string (`{ConnectionSetting}`) is not valid: {exception.Message.Split(" (Parameter", 2)[0].TrimEnd('.')}. " +
                "Fix it, e.g. \"Host=localhost;Port=5432;Username=app;Password=...;Database=app\".",
                nameof(options),
                exception);
        }

        return new PostgreSqlDatabase(NpgsqlDataSource.Create(connectionString), ownsDataSource: true, schema);
    }

    /// <summary>
    /// The connection string with the store's defaults for what it leaves unset: statements that run often are
    /// prepared once per connection (<c>Max Auto Prepare</c>), and a connection going back to the pool is not reset
    /// with a round trip (<c>No Reset On Close</c>; the store leaves no session state behind, and a listener
    /// connection UNLISTENs before it goes back). Both are measured in docs/benchmarks.md.
    /// </summary>
    internal static string WithDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Has(given, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
            if (!Has(given, "Auto Prepare Min Usages", "AutoPrepareMinUsages"))
            {
                builder.AutoPrepareMinUsages = 2;
            }
        }

        if (!Has(given, "No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    private static bool Has(System.Data.Common.DbConnectionStringBuilder given, params string[] names) =>
        names.Any(name => given.ContainsKey(name));

    /// <summary>The caller's pool, which the caller keeps owning.</summary>
    public static PostgreSqlDatabase Borrow(NpgsqlDataSource dataSource, PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        return new PostgreSqlDatabase(dataSource, ownsDataSource: false, ValidSchema(options));
    }

    public async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new JobStoreException(
                $"Cannot connect to the JobRunners PostgreSQL server at {_server} (database '{_database}'): {exception.Message} " +
                $"Check the connection string in the setting `{ConnectionSetting}` and that the server is running.",
                exception);
        }
    }

    /// <summary>Runs <paramref name="work"/> on an open connection; a missing table or schema means migrations were not applied.</summary>
    /// <param name="work">The statements.</param>
    /// <param name="missing">What is missing when a table is, e.g. "schema is" or "schedule tables are".</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <param name="writes">True when <paramref name="work"/> writes rows: an error after it was sent leaves their existence unknown.</param>
    public async ValueTask<T> WithConnectionAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, string missing, CancellationToken cancellationToken, bool writes = false)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await RunOnAsync(connection, work, missing, cancellationToken, writes).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="work"/> on a connection the caller holds, with the errors of <see cref="WithConnectionAsync"/>.</summary>
    public async ValueTask<T> RunOnAsync<T>(NpgsqlConnection connection, Func<NpgsqlConnection, CancellationToken, Task<T>> work, string missing, CancellationToken cancellationToken, bool writes = false)
    {
        try
        {
            return await work(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            throw new JobStoreException(
                $"The JobRunners {missing} missing in the PostgreSQL database '{_database}' on {_server} (schema \"{Schema}\"): " +
                "run `jobrunners migrate`, or set JobRunners:MigrateOnStartup=true.",
                exception,
                schemaMissing: true);
        }
        catch (NpgsqlException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed(exception, writes);
        }
    }

    /// <summary>
    /// A driver error as a <see cref="JobStoreException"/>. A write is known not to have happened only when the server
    /// answered the statement with an ordinary error (the transaction rolled back); when the connection broke, timed
    /// out or the server shut down mid-statement, the commit may have happened before the answer was lost.
    /// </summary>
    public JobStoreException Failed(NpgsqlException exception, bool writes)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var where = $"the JobRunners PostgreSQL database '{_database}' on {_server} (schema \"{Schema}\")";
        if (!writes)
        {
            return new JobStoreException($"A statement on {where} failed: {exception.Message} Try again; if it persists, check the server.", exception);
        }

        return OutcomeUnknown(exception)
            ? new JobStoreException(
                $"Writing to {where} failed after the write was sent: {exception.Message} The row may or may not have been written. " +
                "Dispatch with a unique key (DispatchOptions.UniqueKey) to make repeating it safe: the repeat returns the row if it exists.",
                exception,
                rowMayExist: true)
            : new JobStoreException($"Writing to {where} failed, and nothing was written: {exception.Message}", exception);
    }

    private static bool OutcomeUnknown(NpgsqlException exception) => exception switch
    {
        // Class 08: connection lost; 57P0x: server or backend shut down; 58: I/O error; XX: internal error.
        PostgresException server => server.SqlState.StartsWith("08", StringComparison.Ordinal)
            || server.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || server.SqlState.StartsWith("58", StringComparison.Ordinal)
            || server.SqlState.StartsWith("XX", StringComparison.Ordinal),

        // No answer from the server: a broken connection or a timeout while waiting for it.
        _ => true,
    };

    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (_ownsDataSource)
        {
            DataSource.Dispose();
        }
    }

    private static string ValidSchema(PostgreSqlStoreOptions options)
    {
        var schema = options.Schema;
        return !string.IsNullOrEmpty(schema) && SchemaName().IsMatch(schema)
            ? schema
            : throw new ArgumentException(
                $"PostgreSqlStoreOptions.Schema '{schema}' is not a valid schema name: use letters, digits and underscores, not starting with a digit (at most 63).",
                nameof(options));
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
