using Npgsql;
using NpgsqlTypes;

namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>
/// The physical floor: the same work (write a tracked row, claim it, run a no-op, record completion) as hand-written
/// Npgsql: prepared single-row INSERTs or binary COPY, batched SKIP LOCKED claims, one completion UPDATE per claim.
/// Workers wake on an in-process signal from the producer (the floor of any wake-up mechanism): one wake-up per row
/// inserted, one per claim's worth of rows copied, and a worker whose claim came back full wakes another; an idle
/// worker otherwise sleeps (a 1 s poll is only a safety net), so W = 128 idle workers do not flood the server with
/// empty claims. Each of the W workers holds a connection of its own, so the pool is sized for W
/// (<see cref="SystemConnection.PoolSize"/>).
/// </summary>
internal sealed class FloorSystem : IEndToEndSystem
{
    private const string Payload = """{"n":1}""";
    private static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly int _claimBatch;
    private NpgsqlDataSource? _source;
    private CancellationTokenSource? _stop;
    private SemaphoreSlim? _work;
    private int _workerCount;
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
        _source = NpgsqlDataSource.Create(SystemConnection.ForWorkers(_connectionString, workers));
        await using (var command = _source.CreateCommand(FloorSql.Create))
        {
            await command.ExecuteNonQueryAsync();
        }

        _stop = new CancellationTokenSource();
        _work = new SemaphoreSlim(0);
        _workerCount = workers;
        var ready = Enumerable.Range(0, workers).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        _workers = Enumerable.Range(0, workers)
            .Select(i => Task.Run(() => WorkAsync($"floor-{i}", ready[i], counter, _stop.Token)))
            .ToArray();

        // Started once every worker holds its connection and has prepared its statements, as a long-running
        // process would; otherwise opening W connections would run into the measured part.
        await Task.WhenAll(ready.Select(r => r.Task));
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
                Signal(1);
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

            Signal((size + _claimBatch - 1) / _claimBatch);
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
        try
        {
            // A worker that failed has reported it through the counter already.
            await Task.WhenAll(_workers.Select(async worker =>
            {
                try
                {
                    await worker;
                }
                catch (Exception)
                {
                }
            }));
        }
        finally
        {
            _workers = [];
            _stop.Dispose();
            _stop = null;
            _work?.Dispose();
            _work = null;
            if (_source is not null)
            {
                await _source.DisposeAsync();
                _source = null;
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Wakes up to <paramref name="workers"/> idle workers; never more pending wake-ups than workers.</summary>
    private void Signal(int workers)
    {
        if (_work is { } work && Math.Min(workers, _workerCount - work.CurrentCount) is var release and > 0)
        {
            work.Release(release);
        }
    }

    private async Task WorkAsync(string workerId, TaskCompletionSource ready, CompletionCounter counter, CancellationToken stop)
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
            ready.TrySetResult();
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
                    await _work!.WaitAsync(SafetyPoll, stop);
                    continue;
                }

                if (claimed.Count == _claimBatch)
                {
                    Signal(1); // more rows may be waiting: another worker claims them meanwhile
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
            ready.TrySetCanceled(stop);
        }
        catch (Exception ex)
        {
            var failure = new InvalidOperationException($"floor worker {workerId} failed: {ex.Message}", ex);
            ready.TrySetException(failure);
            counter.Fail(failure);
            throw;
        }
    }
}
