namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// Wakes an idle worker loop: at once (a notification, a freed queue) or at a known time (a delayed job or a retry
/// coming due). Wake-ups that arrive while the loop is busy are remembered, so none is lost between two waits.
/// Timers come from the <see cref="TimeProvider"/>, so tests drive them with a fake clock.
/// </summary>
internal sealed class WakeSignal : IDisposable
{
    // Beyond this many pending wake-up times the poll interval covers the rest.
    private const int MaxTimers = 256;

    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(2);

    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Lock _lock = new();
    private readonly HashSet<ITimer> _timers = [];
    private readonly TimeProvider _time;
    private bool _disposed;

    public WakeSignal(TimeProvider time) => _time = time;

    /// <summary>Wakes the loop now, or makes its next wait return at once.</summary>
    public void Set()
    {
        lock (_lock)
        {
            if (!_disposed && _signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
    }

    /// <summary>Wakes the loop at <paramref name="dueAt"/>.</summary>
    public void SetAt(DateTimeOffset dueAt)
    {
        var delay = dueAt - _time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            Set();
            return;
        }

        lock (_lock)
        {
            if (_disposed || _timers.Count >= MaxTimers)
            {
                return;
            }

            Arm(dueAt, delay);
        }
    }

    /// <summary>Waits for a wake-up or <paramref name="timeout"/>; true when woken.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await _signal.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }

        _signal.Dispose();
    }

    // Call under _lock.
    private void Arm(DateTimeOffset dueAt, TimeSpan delay)
    {
        var holder = new ITimer?[1];
        holder[0] = _time.CreateTimer(_ => Fired(holder, dueAt), null, delay + TimerSlack, Timeout.InfiniteTimeSpan);
        _timers.Add(holder[0]!);
    }

    private void Fired(ITimer?[] holder, DateTimeOffset dueAt)
    {
        lock (_lock)
        {
            // SetAt stores the timer under this lock, so it is in the holder by the time the callback gets here.
            if (holder[0] is { } timer)
            {
                _timers.Remove(timer);
                timer.Dispose();
            }

            // Timers run on a coarse monotonic tick (several milliseconds on Linux) and can fire before the wall clock
            // reaches the due time; waking then would find the row not yet due and sleep until the next poll.
            var rest = dueAt - _time.GetUtcNow();
            if (rest > TimeSpan.Zero && !_disposed)
            {
                Arm(dueAt, rest);
                return;
            }
        }

        Set();
    }
}
