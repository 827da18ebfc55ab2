using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Extensibility;

/// <summary>
/// The consuming side of a message-queue runner. It asks the queue for no more messages than it has free
/// capacity, claims the job rows of each received batch in one statement and runs them through <see cref="JobExecutor"/> (so a
/// duplicate delivery of a job is a no-op), extends the visibility of in-flight messages on a heartbeat, deletes, delays or parks each
/// message as the outcome says, backs off with capped exponential delays and jitter while the queue is empty or
/// failing, and stops with a clear message on fatal errors instead of spinning. A transport supplies the calls.
/// </summary>
/// <typeparam name="TMessage">The transport's received message; it may update itself (for example a new pop receipt).</typeparam>
public abstract class QueueWorker<TMessage> : BackgroundService
    where TMessage : class
{
    private readonly ConcurrentDictionary<TMessage, SemaphoreSlim> _inFlight = new(ReferenceEqualityComparer.Instance);
    private readonly CancellationTokenSource _interrupt = new();
    private readonly SemaphoreSlim _slots;

    /// <summary>Creates the worker.</summary>
    /// <param name="executor">Runs the received jobs and tasks.</param>
    /// <param name="time">The clock for retry delays, heartbeats and backoff.</param>
    /// <param name="options">The worker settings.</param>
    /// <param name="logger">The logger.</param>
    protected QueueWorker(JobExecutor executor, TimeProvider time, QueueWorkerOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        Executor = executor;
        Time = time;
        Options = options;
        Logger = logger;
        _slots = new SemaphoreSlim(options.Concurrency, options.Concurrency);
    }

    /// <summary>Runs the received jobs and tasks.</summary>
    protected JobExecutor Executor { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider Time { get; }

    /// <summary>The worker settings.</summary>
    protected QueueWorkerOptions Options { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>The most messages one receive call may ask for (SQS 10, Azure 32).</summary>
    protected abstract int MaxBatchSize { get; }

    /// <summary>A name for logs, such as the queue URL.</summary>
    protected abstract string QueueDescription { get; }

    /// <summary>The configuration section the worker settings bind from, named in validation errors.</summary>
    protected virtual string SettingsSection => QueueDescription;

    /// <summary>How many messages are being handled right now.</summary>
    public int InFlightCount => _inFlight.Count;

    /// <summary>Receives up to <paramref name="maxMessages"/> messages, each invisible for <see cref="QueueWorkerOptions.VisibilityTimeout"/>.</summary>
    protected abstract Task<IReadOnlyList<TMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken);

    /// <summary>The message body.</summary>
    protected abstract string GetBody(TMessage message);

    /// <summary>Deletes a handled message.</summary>
    protected abstract Task DeleteAsync(TMessage message, CancellationToken cancellationToken);

    /// <summary>Makes the message visible again after <paramref name="delay"/> (zero: now; null: when its visibility timeout lapses).</summary>
    protected abstract Task RetryLaterAsync(TMessage message, TimeSpan? delay, CancellationToken cancellationToken);

    /// <summary>Moves a message that can never be handled to the dead-letter or poison queue.</summary>
    protected abstract Task ParkAsync(TMessage message, string reason, CancellationToken cancellationToken);

    /// <summary>Keeps an in-flight message invisible for another <paramref name="visibility"/>.</summary>
    protected abstract Task ExtendVisibilityAsync(TMessage message, TimeSpan visibility, CancellationToken cancellationToken);

    /// <summary>How many times the queue has delivered the message, this delivery included (1 when the queue does not say).</summary>
    protected virtual long DeliveryCount(TMessage message) => 1;

    /// <summary>True for errors retrying cannot fix (queue missing, access denied): the worker stops with them.</summary>
    protected virtual bool IsFatal(Exception exception) => false;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var problems = Options.Validate(SettingsSection).ToList();
        if (problems.Count > 0)
        {
            throw new JobRunnerException("Queue worker settings are invalid: " + string.Join(" ", problems));
        }

        using var heartbeatStop = CancellationTokenSource.CreateLinkedTokenSource(_interrupt.Token);
        var heartbeat = HeartbeatLoopAsync(heartbeatStop.Token);
        var handlers = new ConcurrentDictionary<Task, byte>();
        var backoff = Options.MinBackoff;
        WorkerLog.Started(Logger, QueueDescription, Options.Concurrency);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Executor.Heartbeat.Beat(QueueDescription);
                await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var taken = 1;
                while (taken < MaxBatchSize && _slots.Wait(0, CancellationToken.None))
                {
                    taken++;
                }

                IReadOnlyList<TMessage> messages;
                try
                {
                    messages = await ReceiveAsync(taken, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && IsFatal(ex))
                {
                    _slots.Release(taken);
                    WorkerLog.StoppedOnFatalError(Logger, ex, QueueDescription, ex.Message);
                    throw new JobRunnerException($"The worker for {QueueDescription} stopped on an error retrying cannot fix: {ex.Message}", ex);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _slots.Release(taken);
                    WorkerLog.ReceiveFailed(Logger, ex, QueueDescription, backoff);
                    await PauseAsync(backoff, stoppingToken).ConfigureAwait(false);
                    backoff = Next(backoff);
                    continue;
                }

                if (taken > messages.Count)
                {
                    _slots.Release(taken - messages.Count);
                }

                if (messages.Count == 0)
                {
                    await PauseAsync(backoff, stoppingToken).ConfigureAwait(false);
                    backoff = Next(backoff);
                    continue;
                }

                backoff = Options.MinBackoff;
                foreach (var message in messages)
                {
                    _inFlight[message] = new SemaphoreSlim(1, 1);
                }

                var batch = Task.Run(() => HandleAsync(messages), CancellationToken.None);
                handlers[batch] = 0;
                _ = batch.ContinueWith(t => handlers.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: no more receives.
        }
        finally
        {
            await DrainAsync(handlers.Keys.ToArray()).ConfigureAwait(false);
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _interrupt.Dispose();
        _slots.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs a received batch: one claim for its job rows, then each message's outcome acted on as it arrives.</summary>
    private async Task HandleAsync(IReadOnlyList<TMessage> messages)
    {
        IReadOnlyList<Task<JobOutcome>> outcomes;
        try
        {
            outcomes = await Executor.ExecuteEnvelopesAsync(messages.Select(GetBody).ToList(), default, _interrupt.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The messages stay on the queue and are delivered again when their visibility lapses.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            WorkerLog.BatchNotHandled(Logger, ex, messages.Count, QueueDescription);
            foreach (var message in messages)
            {
                Finish(message);
            }

            return;
        }

        await Task.WhenAll(messages.Select((message, i) => ActAsync(message, outcomes[i]))).ConfigureAwait(false);
    }

    private async Task ActAsync(TMessage message, Task<JobOutcome> run)
    {
        try
        {
            var outcome = await run.ConfigureAwait(false);
            await _inFlight[message].WaitAsync(CancellationToken.None).ConfigureAwait(false);
            await ActOnAsync(message, outcome).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The message stays on the queue and is delivered again when its visibility lapses.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            WorkerLog.MessageNotHandled(Logger, ex, QueueDescription);
        }
        finally
        {
            Finish(message);
        }
    }

    /// <summary>What each outcome means for the message that carried it: the one place a queue's action is chosen.</summary>
    private Task ActOnAsync(TMessage message, JobOutcome outcome)
    {
        switch (outcome.Kind)
        {
            case JobOutcomeKind.Succeeded or JobOutcomeKind.Failed or JobOutcomeKind.Cancelled or JobOutcomeKind.LeaseLost or JobOutcomeKind.Skipped:
                // Final, or someone else's now: the row is the record.
                return DeleteAsync(message, CancellationToken.None);
            case JobOutcomeKind.Rejected:
                return ParkAsync(message, outcome.Reason ?? "unreadable message", CancellationToken.None);
            case JobOutcomeKind.Released:
                return RetryLaterAsync(message, TimeSpan.Zero, CancellationToken.None);
            case JobOutcomeKind.NotServed:
                // Not an attempt, and the row is untouched: hidden for a growing while, so a worker that has the
                // handler takes it meanwhile and this one does not spin on it.
                return RetryLaterAsync(message, Options.UnservedDelayAfter(DeliveryCount(message)), CancellationToken.None);
            default:
                TimeSpan? delay = outcome.RetryAt is { } at ? Max(at - Time.GetUtcNow(), TimeSpan.Zero) : null;
                return RetryLaterAsync(message, delay, CancellationToken.None);
        }
    }

    private void Finish(TMessage message)
    {
        if (_inFlight.TryRemove(message, out var removed))
        {
            removed.Dispose();
        }

        _slots.Release();
    }

    private async Task HeartbeatLoopAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Options.EffectiveHeartbeat, Time, stop).ConfigureAwait(false);
                foreach (var (message, gate) in _inFlight.ToArray())
                {
                    try
                    {
                        if (!await gate.WaitAsync(0, CancellationToken.None).ConfigureAwait(false))
                        {
                            continue;
                        }

                        try
                        {
                            await ExtendVisibilityAsync(message, Options.VisibilityTimeout, stop).ConfigureAwait(false);
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }
                    catch (ObjectDisposedException)
                    {
                        // Finished meanwhile.
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        WorkerLog.VisibilityExtensionFailed(Logger, ex, QueueDescription);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task DrainAsync(Task[] running)
    {
        if (running.Length == 0)
        {
            return;
        }

        var all = Task.WhenAll(running);
        if (await Task.WhenAny(all, Task.Delay(Options.ShutdownTimeout, Time)).ConfigureAwait(false) != all)
        {
            // Counted in messages, as the line says: each running task is a whole received batch.
            WorkerLog.ShutdownTimedOut(Logger, InFlightCount, QueueDescription, Options.ShutdownTimeout);
            await _interrupt.CancelAsync().ConfigureAwait(false);
            await all.ConfigureAwait(false);
        }
    }

    private Task PauseAsync(TimeSpan backoff, CancellationToken cancellationToken)
    {
        var jittered = TimeSpan.FromMilliseconds(backoff.TotalMilliseconds * (0.8 + (0.4 * Random.Shared.NextDouble())));
        return Task.Delay(jittered, Time, cancellationToken);
    }

    private TimeSpan Next(TimeSpan backoff) => Max(Options.MinBackoff, TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, Options.MaxBackoff.Ticks)));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
