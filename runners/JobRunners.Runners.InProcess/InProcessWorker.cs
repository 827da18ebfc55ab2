using JobRunners.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.InProcess;

/// <summary>
/// The worker pool: adopts this runner's queued rows at start, then runs work from the channel. On stop it
/// accepts nothing new, finishes running work within the shutdown timeout, runs tasks still in the channel, and
/// leaves queued jobs in their rows for the next start.
/// </summary>
internal sealed class InProcessWorker : IHostedService, IAsyncDisposable
{
    private readonly InProcessQueue _queue;
    private readonly JobRunnerServices _services;
    private readonly InProcessOptions _options;
    private readonly ILogger<InProcessWorker> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _interrupt = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _work = new();
    private Task _running = Task.CompletedTask;
    private SemaphoreSlim? _slots;
    private int _droppedTasks;

    private readonly IHostApplicationLifetime? _lifetime;
    private CancellationTokenRegistration _onStopping;

    public InProcessWorker(InProcessQueue queue, JobRunnerServices services, IOptions<InProcessOptions> options, ILogger<InProcessWorker> logger, IHostApplicationLifetime? lifetime = null)
    {
        _lifetime = lifetime;
        _queue = queue;
        _services = services;
        _options = options.Value;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = _options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new JobRunnerException("In-process runner settings are invalid: " + string.Join(" ", problems));
        }

        _slots = new SemaphoreSlim(_options.Workers, _options.Workers);
        var consumer = Task.Run(() => ConsumeAsync(_interrupt.Token), CancellationToken.None);
        var scheduler = Task.Run(() => _queue.Delayed.RunAsync(DeliverDueAsync, _stopping.Token), CancellationToken.None);
        var adopt = Task.Run(() => AdoptQueuedRowsAsync(_stopping.Token), CancellationToken.None);
        _running = Task.WhenAll(consumer, scheduler, adopt);

        // Stop taking new work as soon as the application begins to stop, before other services' shutdown.
        _onStopping = _lifetime?.ApplicationStopping.Register(BeginStopping) ?? default;
        _logger.LogInformation("In-process runner started with {Workers} workers and room for {Capacity} items.", _options.Workers, _options.Capacity);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        BeginStopping();
        var finished = await Task.WhenAny(_running, Task.Delay(_options.ShutdownTimeout, _services.TimeProvider, cancellationToken)).ConfigureAwait(false);
        if (finished != _running)
        {
            _logger.LogWarning("In-process work did not finish within {Timeout}; interrupting it. Interrupted jobs stay queued and run after the next start.", _options.ShutdownTimeout);
            await _interrupt.CancelAsync().ConfigureAwait(false);
            await _running.ConfigureAwait(false);
        }

        if (_droppedTasks > 0)
        {
            _logger.LogWarning("{Count} task(s) were still waiting when the in-process runner stopped and did not run (tasks are not tracked; use jobs for work that must survive a restart).", _droppedTasks);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _onStopping.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _interrupt.Dispose();
        _slots?.Dispose();
    }

    private void BeginStopping()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
            _queue.Complete();
        }
    }

    /// <summary>
    /// Takes as many items as there are free workers, runs tasks at once, and claims the jobs among them in one
    /// statement; each item holds a worker until it ended. Returns when the channel is completed and drained and
    /// everything taken has ended.
    /// </summary>
    private async Task ConsumeAsync(CancellationToken interrupt)
    {
        var reader = _queue.Reader;
        var slots = _slots!;
        var items = new List<WorkItem>(_options.Workers);
        try
        {
            while (await reader.WaitToReadAsync(interrupt).ConfigureAwait(false))
            {
                await slots.WaitAsync(interrupt).ConfigureAwait(false);
                var free = 1;
                while (free < _options.Workers && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                items.Clear();
                while (items.Count < free && reader.TryRead(out var item))
                {
                    items.Add(item);
                }

                var jobs = new List<long>(items.Count);
                foreach (var item in items)
                {
                    if (item.Task is { } task)
                    {
                        Track(RunTaskAsync(task, slots, interrupt));
                    }
                    else if (_stopping.IsCancellationRequested)
                    {
                        // Stopping: the job stays queued in its row and runs after the next start.
                        slots.Release();
                    }
                    else
                    {
                        jobs.Add(item.JobId);
                    }
                }

                if (free > items.Count)
                {
                    slots.Release(free - items.Count);
                }
                if (jobs.Count > 0)
                {
                    await RunJobsAsync(jobs, slots, interrupt).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            while (reader.TryRead(out var left))
            {
                if (left.Task is not null)
                {
                    Interlocked.Increment(ref _droppedTasks);
                }
            }
        }

        await Task.WhenAll(_work.Keys).ConfigureAwait(false);
    }

    private async ValueTask DeliverDueAsync(long jobId, CancellationToken stopping)
    {
        try
        {
            await _queue.WriteAsync(new WorkItem(jobId, null), stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            // Stopping: the job stays queued in its row and runs after the next start.
        }
    }

    private async Task RunTaskAsync(PreparedTask task, SemaphoreSlim slots, CancellationToken interrupt)
    {
        await Task.Yield();
        try
        {
            await _services.Executor.ExecuteTaskAsync(task, interrupt).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A task's exception is logged; it must not stop the worker.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Task '{Task}' failed.", task.Name);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Claims the jobs in one statement, then lets each run in its worker slot.</summary>
    private async Task RunJobsAsync(List<long> jobIds, SemaphoreSlim slots, CancellationToken interrupt)
    {
        IReadOnlyList<Task<JobOutcome>> runs;
        try
        {
            runs = await _services.Executor.ExecuteJobsAsync(jobIds, default, interrupt).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            slots.Release(jobIds.Count);
            throw;
        }
#pragma warning disable CA1031 // A store outage while claiming is logged; the rows stay queued and are picked up at the next start or by the outbox.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Could not claim {Count} job(s); they stay queued and run after the next start.", jobIds.Count);
            slots.Release(jobIds.Count);
            return;
        }

        for (var i = 0; i < jobIds.Count; i++)
        {
            Track(FollowAsync(jobIds[i], runs[i], slots));
        }
    }

    private async Task FollowAsync(long jobId, Task<JobOutcome> run, SemaphoreSlim slots)
    {
        try
        {
            var outcome = await run.ConfigureAwait(false);
            if (outcome.Kind is JobOutcomeKind.Retry or JobOutcomeKind.NotDue && outcome.RetryAt is { } at)
            {
                _queue.Delayed.Schedule(jobId, at);
            }
        }
        catch (OperationCanceledException)
        {
            // Interrupted: the row stays queued (or its lease lapses) and runs after the next start.
        }
#pragma warning disable CA1031 // A store outage while finishing a job is logged; the lease lapses and the job is rescued.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Job {JobId} could not be run or its outcome not recorded; if it was claimed, its lease lapses and it is rescued.", jobId);
        }
        finally
        {
            slots.Release();
        }
    }

    private void Track(Task work)
    {
        _work.TryAdd(work, 0);
        _ = work.ContinueWith(static (done, state) => ((System.Collections.Concurrent.ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _), _work, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task AdoptQueuedRowsAsync(CancellationToken stopping)
    {
        try
        {
            var adopted = 0;
            long? after = null;
            var now = _services.TimeProvider.GetUtcNow();
            while (!stopping.IsCancellationRequested)
            {
                var rows = await _services.Store.ListQueuedAsync(new QueuedQuery { Runner = InProcessJobRunner.RunnerName, AfterId = after, CreatedBefore = now }, stopping).ConfigureAwait(false);
                foreach (var row in rows)
                {
                    _queue.Delayed.Schedule(row.Id, row.RunAt);
                }

                adopted += rows.Count;
                if (rows.Count == 0)
                {
                    break;
                }

                after = rows[^1].Id;
            }

            if (adopted > 0)
            {
                _logger.LogInformation("Picked up {Count} queued job(s) left from an earlier run.", adopted);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Adoption is retried by the outbox for undispatched rows; log and go on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Could not pick up queued jobs from an earlier run; they stay queued and are picked up at the next start.");
        }
    }
}
