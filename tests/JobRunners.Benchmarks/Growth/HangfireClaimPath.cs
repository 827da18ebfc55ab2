using System.Diagnostics;
using Hangfire.PostgreSql;
using JobRunners.Benchmarks.EndToEnd;
using Npgsql;
using NpgsqlTypes;

namespace JobRunners.Benchmarks.Growth;

/// <summary>Hangfire.PostgreSql's fetch as a Hangfire worker makes it: a storage connection, then <c>FetchNextJob</c>.</summary>
internal sealed class HangfireClaimPath : IClaimPath
{
    private static readonly string[] Queues = ["default"];

    private readonly NpgsqlDataSource _admin;
    private readonly PostgreSqlStorage _storage;

    public HangfireClaimPath(string connectionString, NpgsqlDataSource admin)
    {
        _admin = admin;
        _storage = HangfireSystem.CreateStorage(connectionString); // installs the schema
    }

    public string Name => "hangfire-pg-fetch";

    public async Task FillAsync(int rows)
    {
        await HangfireSystem.ResetAsync(_admin);
        await using var connection = await _admin.OpenConnectionAsync();
        await using (var writer = await connection.BeginBinaryImportAsync($"COPY {HangfireSystem.Schema}.jobqueue (jobid, queue) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 1; i <= rows; i++)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync((long)i, NpgsqlDbType.Bigint);
                await writer.WriteAsync("default", NpgsqlDbType.Text);
            }

            await writer.CompleteAsync();
        }

        await JobRequestFill.Execute(connection, $"VACUUM ANALYZE {HangfireSystem.Schema}.jobqueue");
    }

    public Task<TimeSpan> ClaimOneAsync()
    {
        var start = Stopwatch.GetTimestamp();
        using var connection = _storage.GetConnection();
        var fetched = connection.FetchNextJob(Queues, CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(start);
        fetched.RemoveFromQueue();
        fetched.Dispose();
        return Task.FromResult(elapsed);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
