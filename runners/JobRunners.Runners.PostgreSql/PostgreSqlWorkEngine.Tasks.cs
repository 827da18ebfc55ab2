using JobRunners.PostgreSql;
using JobRunners.Storage;
using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.PostgreSql;

/// <content>Running task rows: the envelope through the executor, a heartbeat on the lease, then delete or retry.</content>
internal sealed partial class PostgreSqlWorkEngine
{
    private async Task<WorkOutcome> RunTaskAsync(ReservedJob row, JobRequest claimed, CancellationToken interrupt)
    {
        var lease = _services.Options.Lease;
        var heartbeatEvery = _services.Options.HeartbeatInterval ?? lease / 3;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        using var heartbeatStop = new CancellationTokenSource();
        var leaseLost = 0;
        var heartbeat = HeartbeatAsync(claimed.Id, lease, heartbeatEvery, () =>
        {
            Interlocked.Exchange(ref leaseLost, 1);
            attempt.Cancel();
        }, heartbeatStop.Token);

        try
        {
            EnvelopeOutcome outcome;
            try
            {
                outcome = await _services.Executor.ExecuteEnvelopeAsync(claimed.Payload, attempt.Token).ConfigureAwait(false);
            }
            finally
            {
                await heartbeatStop.CancelAsync().ConfigureAwait(false);
                await heartbeat.ConfigureAwait(false);
            }

            if (Volatile.Read(ref leaseLost) == 1)
            {
                _logger.LogWarning("Task row {JobId} ({JobType}) lost its lease during attempt {Attempt}; another worker may run it again.", claimed.Id, claimed.JobType, claimed.Attempts);
                return new WorkOutcome(row, ExecutionStatus.LeaseLost);
            }

            return await RecordTaskOutcomeAsync(row, claimed, outcome, interrupt).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A store outage while finishing is logged; the lease lapses and the task row is rescued.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "The outcome of task row {JobId} ({JobType}) could not be recorded; its lease lapses and it runs again.", claimed.Id, claimed.JobType);
            return new WorkOutcome(row, null);
        }
    }

    private async Task<WorkOutcome> RecordTaskOutcomeAsync(ReservedJob row, JobRequest claimed, EnvelopeOutcome outcome, CancellationToken interrupt)
    {
        var now = _services.TimeProvider.GetUtcNow();
        if (outcome.Action == MessageAction.Delete)
        {
            var deleted = await _store.DeleteRunningAsync(claimed.Id, WorkerId, CancellationToken.None).ConfigureAwait(false);
            return new WorkOutcome(row, deleted ? ExecutionStatus.Succeeded : ExecutionStatus.LeaseLost);
        }

        AttemptResult result;
        ExecutionStatus status;
        if (interrupt.IsCancellationRequested && outcome.Action == MessageAction.RetryLater)
        {
            // Interrupted by shutdown: queued again, the attempt given back.
            (result, status) = (new AttemptResult { Outcome = AttemptOutcome.Released, RetryAt = now }, ExecutionStatus.Released);
        }
        else if (outcome.Action == MessageAction.Park || claimed.Attempts >= claimed.MaxAttempts)
        {
            _logger.LogError("Task '{Task}' (row {JobId}) failed on attempt {Attempt} of {MaxAttempts}: {Reason}. The row is kept as failed until retention prunes it.",
                claimed.JobType[TaskRows.Prefix.Length..], claimed.Id, claimed.Attempts, claimed.MaxAttempts, outcome.Reason);
            (result, status) = (new AttemptResult { Outcome = AttemptOutcome.Failed, Error = outcome.Reason }, ExecutionStatus.Failed);
        }
        else
        {
            var retryAt = now + _services.Options.Retry.DelayAfter(claimed.Attempts, Random.Shared.NextDouble());
            (result, status) = (new AttemptResult { Outcome = AttemptOutcome.Retry, Error = outcome.Reason, RetryAt = retryAt }, ExecutionStatus.RetryScheduled);
        }

        var written = await _store.FinishAttemptAsync(claimed.Id, WorkerId, result, CancellationToken.None).ConfigureAwait(false);
        return written
            ? new WorkOutcome(row, status, status == ExecutionStatus.RetryScheduled ? result.RetryAt : null)
            : new WorkOutcome(row, ExecutionStatus.LeaseLost);
    }

    private async Task HeartbeatAsync(long id, TimeSpan lease, TimeSpan every, Action onLeaseLost, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(every, _services.TimeProvider, stop).ConfigureAwait(false);
                if (!await _store.ExtendLeaseAsync(id, WorkerId, lease, stop).ConfigureAwait(false))
                {
                    onLeaseLost();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The attempt ended.
        }
#pragma warning disable CA1031 // A failed heartbeat must not crash the worker; the lease may lapse and be rescued.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogWarning(ex, "Could not extend the lease of task row {JobId}; if the store stays unreachable the lease lapses and the task runs again.", id);
        }
    }
}
