using Npgsql;
using NpgsqlTypes;

namespace JobRunners.Benchmarks.Growth;

/// <summary>
/// Fills jobrunners.job_request with due, dispatched rows by binary COPY, then ANALYZEs it. The JobRunners claim
/// paths share the table: the fill happens once per size, the runner's fetch takes the oldest rows and the store's
/// claim by id takes the newest, so they never reach for the same row.
/// </summary>
internal static class JobRequestFill
{
    private static int _filled = -1;

    public static async Task EnsureAsync(NpgsqlDataSource admin, int rows, string runner)
    {
        if (_filled == rows)
        {
            return;
        }

        await FillAsync(admin, rows, runner);
        _filled = rows;
    }

    private static async Task FillAsync(NpgsqlDataSource admin, int rows, string runner)
    {
        await using var connection = await admin.OpenConnectionAsync();
        await Execute(connection, "TRUNCATE jobrunners.job_request RESTART IDENTITY");
        var now = DateTime.UtcNow.AddSeconds(-1);
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY jobrunners.job_request (job_type, queue_name, payload, status, max_attempts, run_at, runner, dispatched_at, created_at, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < rows; i++)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync("noop", NpgsqlDbType.Text);
                await writer.WriteAsync("noop", NpgsqlDbType.Text);
                await writer.WriteAsync("""{"n":1}""", NpgsqlDbType.Jsonb);
                await writer.WriteAsync("queued", NpgsqlDbType.Text);
                await writer.WriteAsync(3, NpgsqlDbType.Integer);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(runner, NpgsqlDbType.Text);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }

            await writer.CompleteAsync();
        }

        await Execute(connection, "VACUUM ANALYZE jobrunners.job_request");
    }

    public static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 900 };
        await command.ExecuteNonQueryAsync();
    }
}
