using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.InProcess;

/// <content>Jobs: ids taken from their channel as many as there are free slots, claimed in one statement, each run in its slot.</content>
internal sealed partial class InProcessWorker
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _jobsRunning = new();
    private int _jobsWaitingForSlot;

    /// <summary>Jobs read from the queue and waiting for a free worker slot (for tests that order work).</summary>
    internal int JobsWaitingForSlot => Volatile.Read(ref _jobsWaitingForSlot);

    /// <summary>Returns when the channel is completed and drained and every claimed job has ended.</summary>
    private async Task RunJobsAsync(SemaphoreSlim slots, CancellationToken interrupt)
    {
        var ids = new List<long>(_options.Workers);
        try
        {
            while (await _queue.WaitToReadJobsAsync(interrupt).ConfigureAwait(false))
            {
                _executor.Heartbeat.Beat(InProcessTransport.RunnerName, polls: false);
                Interlocked.Increment(ref _jobsWaitingForSlot);
                try
                {
                    await slots.WaitAsync(interrupt).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref _jobsWaitingForSlot);
                }

                var free = 1;
                while (free < _options.Workers && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                ids.Clear();
                while (ids.Count < free && _queue.TryReadJob(out var id))
                {
                    ids.Add(id);
                }

                if (_stopping.IsCancellationRequested)
                {
                    // Stopping: the jobs stay queued in their rows and run after the next start.
                    ids.Clear();
                }

                if (free > ids.Count)
                {
                    slots.Release(free - ids.Count);
                }

                if (ids.Count > 0)
                {
                    await ClaimAndRunAsync([.. ids], slots, interrupt).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
        }

        await Task.WhenAll(_jobsRunning.Keys).ConfigureAwait(false);
    }

    /// <summary>Claims the jobs in one statement, then lets each run in its worker slot.</summary>
    private async Task ClaimAndRunAsync(List<long> jobIds, SemaphoreSlim slots, CancellationToken interrupt)
    {
        IReadOnlyList<Task<JobOutcome>> runs;
        try
        {
            runs = await _executor.ExecuteJobsAsync(jobIds, default, interrupt).ConfigureAwait(false);
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
            InProcessLog.ClaimFailed(_logger, ex, jobIds.Count);
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
            InProcessLog.JobNotFinished(_logger, ex, jobId);
        }
        finally
        {
            slots.Release();
        }
    }

    private void Track(Task work)
    {
        _jobsRunning.TryAdd(work, 0);
        _ = work.ContinueWith(static (done, state) => ((System.Collections.Concurrent.ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _), _jobsRunning, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task AdoptQueuedRowsAsync(CancellationToken stopping)
    {
        try
        {
            var adopted = 0;
            long? after = null;
            var now = _time.GetUtcNow();
            while (!stopping.IsCancellationRequested)
            {
                var rows = await _store.ListQueuedAsync(new QueuedQuery { Runner = InProcessTransport.RunnerName, AfterId = after, CreatedBefore = now }, stopping).ConfigureAwait(false);
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
                InProcessLog.QueuedJobsPickedUp(_logger, adopted);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Adoption is retried by the outbox for undispatched rows; log and go on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            InProcessLog.PickUpFailed(_logger, ex);
        }
    }
}
