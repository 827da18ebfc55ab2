using System.Diagnostics;
using JobRunners.Benchmarks.EndToEnd;
using Npgsql;
using NpgsqlTypes;

namespace JobRunners.Benchmarks.Growth;

/// <summary>The floor: a prepared <c>UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id</c>.</summary>
internal sealed class FloorClaimPath : IClaimPath
{
    private readonly NpgsqlDataSource _source;
    private NpgsqlConnection? _connection;
    private NpgsqlCommand? _claim;
    private NpgsqlCommand? _complete;
    private NpgsqlParameter<long[]>? _ids;

    public FloorClaimPath(string connectionString) => _source = NpgsqlDataSource.Create(connectionString);

    public string Name => "floor-sql-claim";

    public async Task FillAsync(int rows)
    {
        await DisposeCommandsAsync();
        _connection = await _source.OpenConnectionAsync();
        await JobRequestFill.Execute(_connection, FloorSql.Create);
        var now = DateTime.UtcNow.AddSeconds(-1);
        await using (var writer = await _connection.BeginBinaryImportAsync(FloorSql.Copy))
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
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }

            await writer.CompleteAsync();
        }

        await JobRequestFill.Execute(_connection, "VACUUM ANALYZE bench_floor.job");
        _claim = new NpgsqlCommand(FloorSql.Claim, _connection);
        _claim.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = "growth" });
        _claim.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = 1 });
        await _claim.PrepareAsync();
        _complete = new NpgsqlCommand(FloorSql.Complete, _connection);
        _ids = new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = [] };
        _complete.Parameters.Add(_ids);
        _complete.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = "growth" });
        await _complete.PrepareAsync();
    }

    public async Task<TimeSpan> ClaimOneAsync()
    {
        var start = Stopwatch.GetTimestamp();
        var id = (long)(await _claim!.ExecuteScalarAsync())!;
        var elapsed = Stopwatch.GetElapsedTime(start);
        _ids!.TypedValue = [id];
        await _complete!.ExecuteNonQueryAsync();
        return elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeCommandsAsync();
        await _source.DisposeAsync();
    }

    private async Task DisposeCommandsAsync()
    {
        if (_claim is not null)
        {
            await _claim.DisposeAsync();
        }

        if (_complete is not null)
        {
            await _complete.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
