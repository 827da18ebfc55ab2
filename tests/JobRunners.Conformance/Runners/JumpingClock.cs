namespace JobRunners.Conformance;

/// <summary>
/// The system clock, plus an offset a test moves forward with <see cref="Jump"/>: time runs as usual (timers,
/// polling, backends), and a jump makes days pass at once. Timers created from this clock fire at the clock's time,
/// so a timer due in a week fires right after a jump of a week.
/// </summary>
public sealed class JumpingClock : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly HashSet<JumpingTimer> _timers = [];
    private TimeSpan _offset;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return System.GetUtcNow() + _offset;
        }
    }

    /// <summary>Moves the clock forward by <paramref name="by"/>; timers due by the new time fire.</summary>
    public void Jump(TimeSpan by)
    {
        JumpingTimer[] timers;
        lock (_lock)
        {
            _offset += by;
            timers = [.. _timers];
        }

        foreach (var timer in timers)
        {
            timer.Reschedule();
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new JumpingTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    private void Forget(JumpingTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class JumpingTimer : ITimer
    {
        private readonly JumpingClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly ITimer _inner;
        private readonly Lock _lock = new();
        private DateTimeOffset? _dueAt;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public JumpingTimer(JumpingClock clock, TimerCallback callback, object? state)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            _inner = System.CreateTimer(static s => ((JumpingTimer)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_lock)
            {
                _period = period;
                _dueAt = dueTime == Timeout.InfiniteTimeSpan ? null : _clock.GetUtcNow() + dueTime;
                return _inner.Change(dueTime, Timeout.InfiniteTimeSpan);
            }
        }

        public void Reschedule()
        {
            lock (_lock)
            {
                if (_dueAt is { } at)
                {
                    var left = at - _clock.GetUtcNow();
                    _inner.Change(left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
            }
        }

        public void Dispose()
        {
            _clock.Forget(this);
            _inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Fire()
        {
            lock (_lock)
            {
                _dueAt = _period == Timeout.InfiniteTimeSpan ? null : _clock.GetUtcNow() + _period;
                if (_dueAt is not null)
                {
                    _inner.Change(_period, Timeout.InfiniteTimeSpan);
                }
            }

            _callback(_state);
        }
    }
}
