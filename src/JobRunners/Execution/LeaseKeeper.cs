using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace JobRunners.Execution;

/// <summary>
/// The heartbeat of every attempt this process runs: one loop that, every third of a lease, extends the leases of
/// all running rows in one store write, and tells an attempt when the store says its row is no longer held
/// (cancelled, or its lease lapsed and another worker took it). Idle, it issues nothing.
/// </summary>
internal sealed class LeaseKeeper : IDisposable
{
    private readonly ConcurrentDictionary<long, Lease> _leases = new();
    private readonly IJobStore _store;
    private readonly string _workerId;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private int _started;

    // When the loop wakes next on its own (UTC ticks); long.MaxValue while idle. A new lease due earlier wakes it.
    private long _sleepsUntil = long.MaxValue;

    public LeaseKeeper(IJobStore store, string workerId, TimeProvider time, ILogger logger)
    {
        _store = store;
        _workerId = workerId;
        _time = time;
        _logger = logger;
    }

    /// <summary>Rows whose leases are kept now.</summary>
    public int Count => _leases.Count;

    /// <summary>
    /// Keeps <paramref name="id"/>'s lease until the returned handle is disposed: extended by <paramref name="length"/>
    /// every <paramref name="every"/> (at once when <paramref name="extendNow"/>). <paramref name="onLost"/> runs once
    /// if the store says the row is no longer held.
    /// </summary>
    public Lease Keep(long id, TimeSpan length, TimeSpan every, bool extendNow, Action onLost)
    {
        var lease = new Lease(this, id, length, every, onLost) { DueAt = extendNow ? _time.GetUtcNow() : _time.GetUtcNow() + every };
        _leases[id] = lease;
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            SharedWork.Start(() => RunAsync(_stop.Token));
        }

        if (lease.DueAt.UtcTicks < Interlocked.Read(ref _sleepsUntil))
        {
            Wake();
        }

        return lease;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private void Wake()
    {
        try
        {
            if (_changed.CurrentCount == 0)
            {
                _changed.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await WaitForNextAsync(stop).ConfigureAwait(false);
                await ExtendDueAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed heartbeat must not stop the loop; if the store stays unreachable the leases lapse and the rows are rescued.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ExecutorLog.LeaseExtensionFailed(_logger, ex, _leases.Count);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stop).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitForNextAsync(CancellationToken stop)
    {
        var now = _time.GetUtcNow();
        DateTimeOffset? next = null;
        foreach (var lease in _leases.Values)
        {
            if (next is null || lease.DueAt < next)
            {
                next = lease.DueAt;
            }
        }

        if (next is { } due && due <= now)
        {
            return;
        }

        Interlocked.Exchange(ref _sleepsUntil, next?.UtcTicks ?? long.MaxValue);
        if (_leases.Values.Any(l => l.DueAt < (next ?? DateTimeOffset.MaxValue)))
        {
            // A lease arrived between the scan and publishing the wake-up time.
            return;
        }

        // Idle (or until the earliest heartbeat): a new lease that needs an early extension wakes the loop.
        using var timer = next is { } at ? new CancellationTokenSource(at - now, _time) : null;
        using var linked = timer is null ? null : CancellationTokenSource.CreateLinkedTokenSource(timer.Token, stop);
        try
        {
            await _changed.WaitAsync(linked?.Token ?? stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            // The earliest heartbeat is due.
        }
        finally
        {
            Interlocked.Exchange(ref _sleepsUntil, long.MinValue);
        }
    }

    private async Task ExtendDueAsync(CancellationToken stop)
    {
        var now = _time.GetUtcNow();

        // Leases due within a tenth of their interval ride along, so heartbeats bunch into few writes. A lost lease
        // stays listed until its attempt has wound down; it is not extended again.
        var due = _leases.Values.Where(l => !l.IsLost && l.DueAt <= now + (l.Every / 10)).ToList();
        foreach (var group in due.GroupBy(l => l.Length))
        {
            var ids = group.Select(l => l.Id).ToList();
            var held = (await _store.ExtendLeasesAsync(ids, _workerId, group.Key, stop).ConfigureAwait(false)).ToHashSet();
            foreach (var lease in group)
            {
                lease.DueAt = now + lease.Every;
                if (!held.Contains(lease.Id) && _leases.TryGetValue(lease.Id, out var current) && ReferenceEquals(current, lease))
                {
                    lease.Lose();
                }
            }
        }
    }

    /// <summary>One row's lease while its attempt runs; disposing stops the heartbeat for it.</summary>
    internal sealed class Lease : IDisposable
    {
        private readonly LeaseKeeper _keeper;
        private readonly Action _onLost;
        private int _lost;

        public Lease(LeaseKeeper keeper, long id, TimeSpan length, TimeSpan every, Action onLost)
        {
            _keeper = keeper;
            Id = id;
            Length = length;
            Every = every;
            _onLost = onLost;
        }

        public long Id { get; }

        /// <summary>How far each heartbeat moves the lease's end.</summary>
        public TimeSpan Length { get; private set; }

        public TimeSpan Every { get; private set; }

        public DateTimeOffset DueAt { get; set; }

        /// <summary>True once the store said the row is no longer held.</summary>
        public bool IsLost => Volatile.Read(ref _lost) == 1;

        /// <summary>
        /// Extends the lease by <paramref name="extension"/> now, and by at least that at every later heartbeat (a
        /// handler that knows it will run long). False when the row is no longer held.
        /// </summary>
        public async ValueTask<bool> ExtendAsync(TimeSpan extension, CancellationToken cancellationToken)
        {
            if (extension > Length)
            {
                Length = extension;
                Every = TimeSpan.FromTicks(extension.Ticks / 3);
            }

            var held = await _keeper._store.ExtendLeasesAsync([Id], _keeper._workerId, extension, cancellationToken).ConfigureAwait(false);
            if (held.Count == 0)
            {
                Lose();
                return false;
            }

            return true;
        }

        public void Lose()
        {
            if (Interlocked.Exchange(ref _lost, 1) == 0)
            {
                try
                {
                    _onLost();
                }
                catch (ObjectDisposedException)
                {
                    // The attempt ended meanwhile.
                }
            }
        }

        public void Dispose() => ((ICollection<KeyValuePair<long, Lease>>)_keeper._leases).Remove(new KeyValuePair<long, Lease>(Id, this));
    }
}
