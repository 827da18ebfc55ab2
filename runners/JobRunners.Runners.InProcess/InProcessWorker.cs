using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.InProcess;

/// <summary>
/// The worker pool: <see cref="InProcessOptions.Workers"/> slots shared by tasks (run by worker loops as they come)
/// and jobs (claimed in batches, see <c>InProcessWorker.Jobs.cs</c>). It adopts this runner's queued rows at start.
/// On stop it accepts nothing new, finishes running work within the shutdown timeout, runs tasks still in the
/// channel, and leaves queued jobs in their rows for the next start.
/// </summary>
internal sealed partial class InProcessWorker : IHostedService, IAsyncDisposable
{
    private readonly InProcessQueue _queue;
    private readonly JobExecutor _executor;
    private readonly IJobStore _store;
    private readonly TimeProvider _time;
    private readonly InProcessOptions _options;
    private readonly ILogger<InProcessWorker> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _interrupt = new();
    private Task _running = Task.CompletedTask;
    private SemaphoreSlim? _slots;
    private int _droppedTasks;

    /// <summary>How many tasks a worker loop runs in one slot before it lets jobs have it.</summary>
    private const int TasksPerSlot = 64;

    private readonly IHostApplicationLifetime? _lifetime;
    private CancellationTokenRegistration _onStopping;

    public InProcessWorker(InProcessQueue queue, JobExecutor executor, IJobStore store, TimeProvider time, IOptions<InProcessOptions> options, ILogger<InProcessWorker> logger, IHostApplicationLifetime? lifetime = null)
    {
        _lifetime = lifetime;
        _queue = queue;
        _executor = executor;
        _store = store;
        _time = time;
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
        _executor.Heartbeat.Beat(InProcessTransport.RunnerName, polls: false);
        var taskLoops = Enumerable.Range(0, _options.Workers).Select(_ => Task.Run(() => RunTasksAsync(_slots, _interrupt.Token), CancellationToken.None));
        var jobs = Task.Run(() => RunJobsAsync(_slots, _interrupt.Token), CancellationToken.None);
        var scheduler = Task.Run(() => _queue.Delayed.RunAsync(DeliverDueAsync, _stopping.Token), CancellationToken.None);
        var adopt = Task.Run(() => AdoptQueuedRowsAsync(_stopping.Token), CancellationToken.None);
        _running = Task.WhenAll(taskLoops.Append(jobs).Append(scheduler).Append(adopt));

        // Stop taking new work as soon as the application begins to stop, before other services' shutdown.
        _onStopping = _lifetime?.ApplicationStopping.Register(BeginStopping) ?? default;
        InProcessLog.Started(_logger, _options.Workers, _options.Capacity);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        BeginStopping();
        var finished = await Task.WhenAny(_running, Task.Delay(_options.ShutdownTimeout, _time, cancellationToken)).ConfigureAwait(false);
        if (finished != _running)
        {
            InProcessLog.ShutdownTimedOut(_logger, _options.ShutdownTimeout);
            await _interrupt.CancelAsync().ConfigureAwait(false);
            await _running.ConfigureAwait(false);
        }

        if (_droppedTasks > 0)
        {
            InProcessLog.TasksDropped(_logger, _droppedTasks);
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
    /// One worker loop: runs tasks one after another until the channel is completed and empty. It holds a slot
    /// for a run of up to <see cref="TasksPerSlot"/> tasks, so a steady stream of tasks does not pay for the slot
    /// each time and claimed jobs still get a slot between runs.
    /// </summary>
    private async Task RunTasksAsync(SemaphoreSlim slots, CancellationToken interrupt)
    {
        var reader = _queue.Tasks;
        var holding = false;
        try
        {
            while (await reader.WaitToReadAsync(interrupt).ConfigureAwait(false))
            {
                await slots.WaitAsync(interrupt).ConfigureAwait(false);
                holding = true;
                for (var run = 0; run < TasksPerSlot && reader.TryRead(out var task); run++)
                {
                    await RunTaskAsync(task, interrupt).ConfigureAwait(false);
                }

                holding = false;
                slots.Release();
            }
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            if (holding)
            {
                slots.Release();
            }

            while (reader.TryRead(out _))
            {
                Interlocked.Increment(ref _droppedTasks);
            }
        }
    }

    private async ValueTask RunTaskAsync(PreparedTask task, CancellationToken interrupt)
    {
        try
        {
            await _executor.ExecuteTaskAsync(task, interrupt).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A task's exception is logged; it must not stop the worker.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            InProcessLog.TaskFailed(_logger, ex, task.Name);
        }
    }

    private async ValueTask DeliverDueAsync(long jobId, CancellationToken stopping)
    {
        try
        {
            await _queue.WriteAsync(jobId, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            // Stopping: the job stays queued in its row and runs after the next start.
        }
    }
}
