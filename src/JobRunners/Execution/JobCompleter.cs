using Microsoft.Extensions.Logging;

namespace JobRunners.Execution;

/// <summary>
/// Writes the outcomes of attempts back to the store in batches: one <see cref="IJobStore.CompleteAsync"/> for
/// many rows. A batch goes out as soon as no attempt is running in this process (so a lone job is written at once),
/// when <see cref="MaxBatch"/> outcomes wait, or <see cref="MaxDelay"/> after the first one arrived. Outcomes that
/// arrive while a batch is being written go out together next. If the process dies before a batch is written, the
/// rows' leases lapse and maintenance rescues them: the job runs again (at least once).
/// </summary>
internal sealed class JobCompleter
{
    internal const int MaxBatch = 500;

    // A batching window, not domain time: it always runs on the real clock, so fake clocks in tests cannot stall writes.
    internal static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(2);

    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    private readonly IJobStore _store;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private List<Pending> _pending = [];
    private bool _writing;
    private ITimer? _timer;

    public JobCompleter(IJobStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
    }

    /// <summary>
    /// Queues an outcome for the next batch; completes with true once written, false when the row's lease was no
    /// longer held (nothing written). Faults when the store stays unreachable.
    /// </summary>
    /// <param name="completion">The outcome to write.</param>
    /// <param name="now">True when nothing else runs in this process, so waiting would only add latency.</param>
    public Task<bool> CompleteAsync(JobCompletion completion, bool now)
    {
        var pending = new Pending(completion);
        var write = false;
        lock (_lock)
        {
            _pending.Add(pending);
            if (!_writing && (now || _pending.Count >= MaxBatch))
            {
                _writing = true;
                write = true;
                DisarmTimer();
            }
            else if (!_writing && _timer is null)
            {
                _timer = TimeProvider.System.CreateTimer(static state => ((JobCompleter)state!).OnTimer(), this, MaxDelay, Timeout.InfiniteTimeSpan);
            }
        }

        if (write)
        {
            SharedWork.Start(WriteLoopAsync);
        }

        return pending.Written.Task;
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            DisarmTimer();
            if (_writing || _pending.Count == 0)
            {
                return;
            }

            _writing = true;
        }

        SharedWork.Start(WriteLoopAsync);
    }

    private void DisarmTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _writing = false;
                    return;
                }

                batch = _pending.Count <= MaxBatch ? _pending : _pending[..MaxBatch];
                _pending = _pending.Count <= MaxBatch ? [] : _pending[MaxBatch..];
            }

            await WriteAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        var completions = batch.Select(p => p.Completion).OrderBy(c => c.Id).ToList();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var written = (await _store.CompleteAsync(completions, CancellationToken.None).ConfigureAwait(false)).ToHashSet();
                foreach (var pending in batch)
                {
                    pending.Written.TrySetResult(written.Contains(pending.Completion.Id));
                }

                return;
            }
            catch (Exception ex) when (attempt < RetryDelays.Length)
            {
                ExecutorLog.OutcomeWriteFailed(_logger, ex, batch.Count, RetryDelays[attempt]);
                await Task.Delay(RetryDelays[attempt]).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Every waiting attempt learns of the failure; the loop goes on with later batches.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                foreach (var pending in batch)
                {
                    pending.Written.TrySetException(ex);
                }

                return;
            }
        }
    }

    private sealed class Pending(JobCompletion completion)
    {
        public JobCompletion Completion { get; } = completion;

        public TaskCompletionSource<bool> Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
