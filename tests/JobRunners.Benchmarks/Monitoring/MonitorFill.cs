using Npgsql;
using NpgsqlTypes;

namespace JobRunners.Benchmarks.Monitoring;

/// <summary>
/// Fills jobrunners.job_request with a history an operator would page through: mostly succeeded rows, some failed,
/// cancelled, queued and running ones, over ten job types, created over the last 30 days in id order. Binary COPY,
/// then VACUUM ANALYZE, as a table that has lived a while would be.
/// </summary>
internal static class MonitorFill
{
    public const int JobTypes = 10;

    public static string JobType(int i) => $"report-{i}";

    public static async Task FillAsync(NpgsqlDataSource admin, int rows, string runner)
    {
        await using var connection = await admin.OpenConnectionAsync();
        await Execute(connection, "TRUNCATE jobrunners.job_request RESTART IDENTITY");
        var now = DateTime.UtcNow;
        var span = TimeSpan.FromDays(30);
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY jobrunners.job_request (job_type, queue_name, payload, status, progress, last_error, attempts, max_attempts, run_at, assigned, locked_by, locked_until, runner, dispatched_at, created_at, updated_at, started_at, finished_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < rows; i++)
            {
                var created = now - span + TimeSpan.FromTicks(span.Ticks / rows * i);
                var type = JobType(Skewed(i));
                var status = StatusOf(i);
                var finished = status is "succeeded" or "failed" or "cancelled";
                await writer.StartRowAsync();
                await writer.WriteAsync(type, NpgsqlDbType.Text);
                await writer.WriteAsync(type, NpgsqlDbType.Text);
                await writer.WriteAsync($$"""{"account":{{i % 5000}},"month":"2026-{{(i % 12) + 1:00}}"}""", NpgsqlDbType.Jsonb);
                await writer.WriteAsync(status, NpgsqlDbType.Text);
                await writer.WriteAsync(status == "succeeded" ? 100 : status == "running" ? 40 : 0, NpgsqlDbType.Integer);
                if (status == "failed")
                {
                    await writer.WriteAsync("System.TimeoutException: the warehouse did not answer", NpgsqlDbType.Text);
                }
                else
                {
                    await writer.WriteNullAsync();
                }

                await writer.WriteAsync(status == "queued" ? 0 : status == "failed" ? 3 : 1, NpgsqlDbType.Integer);
                await writer.WriteAsync(3, NpgsqlDbType.Integer);
                await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(status != "queued", NpgsqlDbType.Boolean);
                if (status == "running")
                {
                    await writer.WriteAsync($"worker-{i % 4}", NpgsqlDbType.Text);
                    await writer.WriteAsync(now.AddHours(1), NpgsqlDbType.TimestampTz);
                }
                else
                {
                    await writer.WriteNullAsync();
                    await writer.WriteNullAsync();
                }

                await writer.WriteAsync(runner, NpgsqlDbType.Text);
                await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(finished ? created.AddSeconds(2) : created, NpgsqlDbType.TimestampTz);
                if (status == "queued")
                {
                    await writer.WriteNullAsync();
                }
                else
                {
                    await writer.WriteAsync(created.AddMilliseconds(50), NpgsqlDbType.TimestampTz);
                }

                if (finished)
                {
                    await writer.WriteAsync(created.AddSeconds(2), NpgsqlDbType.TimestampTz);
                }
                else
                {
                    await writer.WriteNullAsync();
                }
            }

            await writer.CompleteAsync();
        }

        await Execute(connection, "VACUUM ANALYZE jobrunners.job_request");
    }

    /// <summary>About 2% failed, 0.5% cancelled, 2% queued, 0.2% running, the rest succeeded; spread evenly over ids.</summary>
    public static string StatusOf(int i) => (i % 1000) switch
    {
        < 20 => "failed",
        < 25 => "cancelled",
        < 45 => "queued",
        < 47 => "running",
        _ => "succeeded",
    };

    /// <summary>Job types used unevenly, as real ones are: type 0 takes about half the rows, type 9 the fewest.</summary>
    private static int Skewed(int i)
    {
        var bucket = (int)((uint)(i * 2654435761u) % 1024);
        var type = 0;
        for (var limit = 512; bucket >= limit && type < JobTypes - 1; limit += (1024 - limit) / 2)
        {
            type++;
        }

        return type;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 900 };
        await command.ExecuteNonQueryAsync();
    }
}
