namespace JobRunners.Runners.InProcess;

/// <summary>
/// Holds job ids until they are due (delays, retry backoff, locked queues), then writes them to the channel.
/// Time comes from the <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed class DelayedJobs : IDisposable
{
    private readonly PriorityQueue<long, DateTimeOffset> _queue = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _wake = new(0);

    public DelayedJobs(TimeProvider time) => _time = time;

    public void Dispose() => _wake.Dispose();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public void Schedule(long jobId, DateTimeOffset dueAt)
    {
        bool earliest;
        lock (_lock)
        {
            earliest = !_queue.TryPeek(out _, out var head) || dueAt < head;
            _queue.Enqueue(jobId, dueAt);
        }

        if (earliest)
        {
            _wake.Release();
        }
    }

    /// <summary>Moves due ids to <paramref name="deliver"/> until stopped.</summary>
    public async Task RunAsync(Func<long, CancellationToken, ValueTask> deliver, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan? wait;
            var due = new List<long>();
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                while (_queue.TryPeek(out var id, out var at) && at <= now)
                {
                    _queue.Dequeue();
                    due.Add(id);
                }

                wait = _queue.TryPeek(out _, out var next) ? next - now : null;
            }

            foreach (var id in due)
            {
                await deliver(id, stoppingToken).ConfigureAwait(false);
            }

            if (due.Count > 0)
            {
                continue;
            }

            using var timeout = wait is { } w ? new CancellationTokenSource(w, _time) : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
            try
            {
                await _wake.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The earliest job is due.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
