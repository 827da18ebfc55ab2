using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// The long-running worker: claims due rows in one statement while it has free slots, sleeps until a notification, a known due
/// time or the poll interval, and on stop finishes running work within the shutdown timeout before interrupting
/// it (interrupted rows go back to queued without counting the attempt).
/// </summary>
internal sealed class PostgreSqlWorker : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly LocalWakeups _local;
    private readonly ILogger<PostgreSqlWorker> _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _interrupt = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private PostgreSqlWorkEngine? _engine;
    private WakeSignal? _wake;
    private SemaphoreSlim? _slots;
    private PostgreSqlListener? _listener;
    private Task _loop = Task.CompletedTask;
    private Task _listen = Task.CompletedTask;
    private CancellationTokenRegistration _onStopping;

    public PostgreSqlWorker(IServiceProvider services, LocalWakeups local, ILogger<PostgreSqlWorker> logger, IHostApplicationLifetime? lifetime = null)
    {
        _services = services;
        _local = local;
        _logger = logger;
        _lifetime = lifetime;
    }

    /// <summary>Completes once the worker listens for notifications (at once when LISTEN is off).</summary>
    internal Task Listening => _listener?.Listening ?? Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved here, not in the constructor: startup has checked the runner's configuration by now.
        var engine = _engine = _services.GetRequiredService<PostgreSqlWorkEngine>();
        _wake = new WakeSignal(engine.Time);
        _slots = new SemaphoreSlim(engine.Options.Concurrency, engine.Options.Concurrency);
        _local.Subscribe(OnMessage);
        if (engine.Options.Listen)
        {
            _listener = new PostgreSqlListener(engine, OnMessage, OnListening, _logger);
            _listen = Task.Run(() => _listener.RunAsync(_stopping.Token), CancellationToken.None);
        }

        _loop = Task.Run(() => LoopAsync(engine, _stopping.Token), CancellationToken.None);
        _onStopping = _lifetime?.ApplicationStopping.Register(BeginStopping) ?? default;
        PostgreSqlLog.WorkerStarted(
            _logger,
            engine.WorkerId,
            engine.Options.Concurrency,
            engine.Options.Listen ? $"LISTEN on {engine.Channel}, polling every {engine.Options.ListenPollInterval} ({engine.Options.PollInterval} while not listening)" : $"polling every {engine.Options.PollInterval}",
            engine.ServedJobTypes.Count,
            engine.Options.Queues.Count == 0 ? "" : $", queues {string.Join(", ", engine.Options.Queues)}");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        BeginStopping();
        await _loop.ConfigureAwait(false);
        var running = Task.WhenAll(_running.Keys);
        var timeout = _engine?.Options.ShutdownTimeout ?? TimeSpan.Zero;
        var finished = await Task.WhenAny(running, Task.Delay(timeout, _engine?.Time ?? TimeProvider.System, cancellationToken)).ConfigureAwait(false);
        if (finished != running)
        {
            PostgreSqlLog.ShutdownTimedOut(_logger, timeout);
            await _interrupt.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }

        await _listen.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _local.Unsubscribe(OnMessage);
        await _onStopping.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _interrupt.Dispose();
        _wake?.Dispose();
        _slots?.Dispose();
    }

    private void BeginStopping()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
        }
    }

    private void OnMessage(string payload)
    {
        if (_engine is null || _wake is null)
        {
            return;
        }

        var message = WakeMessage.Parse(payload);
        if (message is null)
        {
            _wake.Set();
        }
        else if (_engine.Concerns(message.Value))
        {
            if (message.Value.DueAt is { } due)
            {
                _wake.SetAt(due);
            }
            else
            {
                _wake.Set();
            }
        }
    }

    /// <summary>
    /// LISTEN is (again) in place. Notifications sent while nobody listened are gone: claim what is due now, and
    /// set the wake-up for the next row coming due, which a lost notification would have announced.
    /// </summary>
    private void OnListening()
    {
        _wake?.Set();
        _ = LookAheadAsync();

        async Task LookAheadAsync()
        {
            try
            {
                if (_engine is { } engine && await engine.NextDueAsync(_stopping.Token).ConfigureAwait(false) is { } due)
                {
                    _wake?.SetAt(due);
                }
            }
#pragma warning disable CA1031 // Best effort: the poll finds the row in any case.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                PostgreSqlLog.NextDueUnreadable(_logger, ex);
            }
        }
    }

    private async Task LoopAsync(PostgreSqlWorkEngine engine, CancellationToken stopping)
    {
        var slots = _slots!;
        var wake = _wake!;
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            engine.Heartbeat.Beat(PostgreSqlTransport.RunnerName + " worker");
            try
            {
                await slots.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var free = await GatherSlotsAsync(engine, slots, stopping).ConfigureAwait(false);

            IReadOnlyList<JobRequest> claimed;
            try
            {
                claimed = await engine.ClaimAsync(free, stopping).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                slots.Release(free);
                failures++;
                var backoff = Backoff(failures, engine.Options.PollInterval);
                PostgreSqlLog.ClaimFailed(_logger, ex, backoff);
                await WaitAsync(wake, backoff, stopping).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException)
            {
                slots.Release(free);
                return;
            }

            if (claimed.Count < free)
            {
                slots.Release(free - claimed.Count);
            }

            foreach (var row in claimed)
            {
                Track(RunAsync(engine, row, slots, wake));
            }

            // A full claim means more may be due: claim again as soon as a slot is free.
            if (claimed.Count < free)
            {
                var poll = _listener?.IsListening == true ? engine.Options.ListenPollInterval : engine.Options.PollInterval;
                await WaitAsync(wake, poll, stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task RunAsync(PostgreSqlWorkEngine engine, JobRequest row, SemaphoreSlim slots, WakeSignal wake)
    {
        try
        {
            var outcome = await engine.RunAsync(row, _interrupt.Token).ConfigureAwait(false);
            if (outcome is { Kind: JobOutcomeKind.Retry, RetryAt: { } at })
            {
                wake.SetAt(at);
            }

            if (row.LocksQueue)
            {
                await engine.AnnounceFreedQueueAsync(row.QueueName, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            slots.Release();

            // A finished job may free its queue for a locking job the last claim had to leave: look again.
            wake.Set();
        }
    }

    /// <summary>
    /// Holds one free slot; takes every other free one. Outcomes are written in batches, so slots come free in
    /// bursts: while other attempts run, wait a moment (<see cref="PostgreSqlWorkEngine.GatherWindow"/>) for half a batch to be free, so one
    /// claim takes many rows instead of many claims taking one each.
    /// </summary>
    private static async Task<int> GatherSlotsAsync(PostgreSqlWorkEngine engine, SemaphoreSlim slots, CancellationToken stopping)
    {
        var free = 1;
        while (free < engine.BatchSize && slots.Wait(0, CancellationToken.None))
        {
            free++;
        }

        var target = engine.BatchSize;
        var running = engine.Options.Concurrency - slots.CurrentCount - free;
        var window = System.Diagnostics.Stopwatch.StartNew();
        while (free < target && running > 0 && PostgreSqlWorkEngine.GatherWindow - window.Elapsed is var remaining && remaining > TimeSpan.Zero)
        {
            try
            {
                if (!await slots.WaitAsync(remaining, stopping).ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            free++;
            running--;
        }

        return free;
    }

    private void Track(Task work)
    {
        _running.TryAdd(work, 0);
        _ = work.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _), _running, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static async Task WaitAsync(WakeSignal wake, TimeSpan timeout, CancellationToken stopping)
    {
        try
        {
            await wake.WaitAsync(timeout, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop ends.
        }
    }

    private static TimeSpan Backoff(int failures, TimeSpan pollInterval)
    {
        var cap = Math.Max(pollInterval.TotalMilliseconds, 5_000);
        var raw = Math.Min(cap, 100 * Math.Pow(2, Math.Min(failures, 16)));
        return TimeSpan.FromMilliseconds(raw * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }
}
