using Npgsql;
using NpgsqlTypes;

namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>
/// The physical floor: the same work (write a tracked row, claim it, run a no-op, record completion) as hand-written
/// Npgsql: prepared single-row INSERTs or binary COPY, batched SKIP LOCKED claims, one completion UPDATE per claim.
/// Workers wake on an in-process signal from the producer (the floor of any wake-up mechanism).
/// </summary>
internal sealed class FloorSystem : IEndToEndSystem
{
    private const string Payload = """{"n":1}""";

    private readonly string _connectionString;
    private readonly int _claimBatch;
    private NpgsqlDataSource? _source;
    private CancellationTokenSource? _stop;
    private SemaphoreSlim? _work;
    private Task[] _workers = [];

    public FloorSystem(string connectionString, int claimBatch)
    {
        _connectionString = connectionString;
        _claimBatch = claimBatch;
    }

    public string Name => "floor-sql";

    public string? BatchApi => "binary COPY";

    public async Task StartAsync(int workers, CompletionCounter counter)
    {
        _source = NpgsqlDataSource.Create(_connectionString);
        await using (var command = _source.CreateCommand(FloorSql.Create))
        {
            await command.ExecuteNonQueryAsync();
        }

        _stop = new CancellationTokenSource();
        _work = new SemaphoreSlim(0);
        _workers = Enumerable.Range(0, workers)
            .Select(i => Task.Run(() => WorkAsync($"floor-{i}", counter, _stop.Token)))
            .ToArray();
    }

    public async Task EnqueueAsync(int count, bool batch, int batchSize)
    {
        var source = _source ?? throw new InvalidOperationException("Not started.");
        await using var connection = await source.OpenConnectionAsync();
        if (!batch)
        {
            await using var insert = new NpgsqlCommand(FloorSql.Insert, connection);
            insert.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = "noop" });
            insert.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = Payload });
            await insert.PrepareAsync();
            for (var i = 0; i < count; i++)
            {
                await insert.ExecuteNonQueryAsync();
                Signal();
            }

            return;
        }

        for (var start = 0; start < count; start += batchSize)
        {
            var size = Math.Min(batchSize, count - start);
            var now = DateTime.UtcNow;
            await using (var writer = await connection.BeginBinaryImportAsync(FloorSql.Copy))
            {
                for (var i = 0; i < size; i++)
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync("noop", NpgsqlDbType.Text);
                    await writer.WriteAsync("noop", NpgsqlDbType.Text);
                    await writer.WriteAsync(Payload, NpgsqlDbType.Jsonb);
                    await writer.WriteAsync("queued", NpgsqlDbType.Text);
                    await writer.WriteAsync(3, NpgsqlDbType.Integer);
                    await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                }

                await writer.CompleteAsync();
            }

            Signal();
        }
    }

    // Every completion is counted after its UPDATE committed, so the handlers' count is the stored count.
    public Task WaitUntilStoredAsync(int count, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync()
    {
        if (_stop is null)
        {
            return;
        }

        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
        _stop = null;
        _work?.Dispose();
        if (_source is not null)
        {
            await _source.DisposeAsync();
            _source = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Signal()
    {
        if (_work is { CurrentCount: < 64 } work)
        {
            work.Release();
        }
    }

    private async Task WorkAsync(string workerId, CompletionCounter counter, CancellationToken stop)
    {
        try
        {
            await using var connection = await _source!.OpenConnectionAsync(stop);
            await using var claim = new NpgsqlCommand(FloorSql.Claim, connection);
            claim.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = workerId });
            claim.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = _claimBatch });
            await claim.PrepareAsync(stop);
            await using var complete = new NpgsqlCommand(FloorSql.Complete, connection);
            var ids = new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = [] };
            complete.Parameters.Add(ids);
            complete.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = workerId });
            await complete.PrepareAsync(stop);
            var claimed = new List<long>(_claimBatch);
            while (!stop.IsCancellationRequested)
            {
                claimed.Clear();
                await using (var reader = await claim.ExecuteReaderAsync(stop))
                {
                    while (await reader.ReadAsync(stop))
                    {
                        claimed.Add(reader.GetInt64(0));
                    }
                }

                if (claimed.Count == 0)
                {
                    await _work!.WaitAsync(5, stop);
                    continue;
                }

                // The no-op handler runs here, once per claimed row.
                ids.TypedValue = [.. claimed];
                await complete.ExecuteNonQueryAsync(stop);
                for (var i = 0; i < claimed.Count; i++)
                {
                    counter.Increment();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
