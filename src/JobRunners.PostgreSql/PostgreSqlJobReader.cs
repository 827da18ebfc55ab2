using Npgsql;
using NpgsqlTypes;

namespace JobRunners.PostgreSql;

/// <summary>
/// The hot statements' plumbing, written against Npgsql directly: positional parameters with their types (Npgsql
/// neither rewrites the SQL nor infers types, and prepares the statement once per connection) and rows read by
/// ordinal in <see cref="PostgreSqlJobRow.Columns"/> order. Measured on the one-by-one dispatch: 260 µs against
/// 352 µs for the same statement through Dapper.
/// </summary>
internal static class PostgreSqlJobReader
{
    public static NpgsqlParameter<T> Parameter<T>(T value) => new() { TypedValue = value };

    public static NpgsqlParameter<T> Parameter<T>(T value, NpgsqlDbType type) => new() { TypedValue = value, NpgsqlDbType = type };

    /// <summary>Runs a command that returns job rows and reads them all.</summary>
    public static async Task<List<JobRequest>> ReadJobsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<JobRequest>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(Read(reader));
            }
        }

        return rows;
    }

    /// <summary>Runs a command that returns one bigint column and reads it.</summary>
    public static async Task<List<long>> ReadIdsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        return ids;
    }

    /// <summary>Reads the current row, whose columns are <see cref="PostgreSqlJobRow.Columns"/> in that order.</summary>
    public static JobRequest Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        JobType = reader.GetString(1),
        QueueName = reader.GetString(2),
        Payload = reader.GetString(3),
        Status = JobStatusExtensions.ParseStatus(reader.GetString(4)),
        Progress = reader.GetInt32(5),
        ResultMessage = NullableString(reader, 6),
        LastError = NullableString(reader, 7),
        Attempts = reader.GetInt32(8),
        MaxAttempts = reader.GetInt32(9),
        Priority = reader.GetInt32(10),
        RunAt = Utc(reader, 11)!.Value,
        UniqueKey = NullableString(reader, 12),
        LocksQueue = reader.GetBoolean(13),
        Assigned = reader.GetBoolean(14),
        LockedBy = NullableString(reader, 15),
        LockedUntil = Utc(reader, 16),
        Runner = NullableString(reader, 17),
        DispatchedAt = Utc(reader, 18),
        CreatedAt = Utc(reader, 19)!.Value,
        UpdatedAt = Utc(reader, 20)!.Value,
        StartedAt = Utc(reader, 21),
        FinishedAt = Utc(reader, 22),
        TraceParent = NullableString(reader, 23),
        TraceState = NullableString(reader, 24),
        Retries = reader.GetInt32(25),
        UniqueUntil = Utc(reader, 26),
        UniquePerQueue = reader.GetBoolean(27),
    };

    /// <summary>The number of columns <see cref="Read"/> reads; a statement may return more after them.</summary>
    public const int ColumnCount = 28;

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A nullable timestamptz column: Npgsql reads it as a UTC DateTime.</summary>
    public static DateTimeOffset? Utc(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
}
