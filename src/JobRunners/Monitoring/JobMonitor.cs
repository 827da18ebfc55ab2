using JobRunners.Diagnostics;
using Microsoft.Extensions.Logging;

namespace JobRunners.Monitoring;

/// <summary>
/// <see cref="IJobMonitor"/> over the configured store. Reads go straight to the store; every action is one
/// guarded store statement, and a row queued again (retry, run now) is handed to the active runner at once, as the
/// outbox would, so it runs without waiting for a maintenance round.
/// </summary>
internal sealed class JobMonitor : IJobMonitor
{
    /// <summary>Rows one retry-all statement takes; larger sets are taken in rounds of this size.</summary>
    internal const int RetryBatch = 500;

    private readonly IJobStore _store;
    private readonly JobDispatcher _dispatcher;
    private readonly TimeProvider _time;
    private readonly ILogger<JobMonitor> _logger;

    public JobMonitor(IJobStore store, JobDispatcher dispatcher, TimeProvider time, ILogger<JobMonitor> logger)
    {
        _store = store;
        _dispatcher = dispatcher;
        _time = time;
        _logger = logger;
    }

    public ValueTask<JobRequest?> GetAsync(long id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<JobRequest>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default) =>
        _store.GetManyAsync(ids, cancellationToken);

    public async ValueTask<JobPage> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000)
        {
            throw new ArgumentException($"The query's limit is {query.Limit}: give 1 to 1000 rows per page.", nameof(query));
        }

        // One row more than asked says whether another page follows, without a count.
        var rows = await _store.ListAsync(query with { Limit = query.Limit + 1 }, cancellationToken).ConfigureAwait(false);
        var items = rows.Count > query.Limit ? rows.Take(query.Limit).ToList() : rows;
        return new JobPage { Items = items, NextBeforeId = rows.Count > query.Limit ? items[^1].Id : null };
    }

    public async ValueTask<JobStats> GetStatsAsync(int throughputMinutes = 15, CancellationToken cancellationToken = default)
    {
        if (throughputMinutes is < 1 or > 60)
        {
            throw new ArgumentOutOfRangeException(nameof(throughputMinutes), throughputMinutes, "Give 1 to 60 minutes of throughput.");
        }

        var now = _time.GetUtcNow();
        // One read of the last hour serves both the throughput window (at most 60 minutes) and "failed in the last hour".
        var since = now.AddHours(-1);
        // Four independent reads on their own connections: the page waits for the slowest (the counts), not the sum.
        var countsRead = _store.CountJobsAsync(cancellationToken).AsTask();
        var queuesRead = _store.GetQueueStatsAsync(cancellationToken).AsTask();
        var finishedRead = _store.GetThroughputAsync(since, cancellationToken).AsTask();
        var workersRead = _store.GetWorkersAsync(now.AddMinutes(-throughputMinutes), cancellationToken).AsTask();
        await Task.WhenAll(countsRead, queuesRead, finishedRead, workersRead).ConfigureAwait(false);
        var (counts, queues, finished, workers) = (countsRead.Result, queuesRead.Result, finishedRead.Result, workersRead.Result);
        var window = now.AddMinutes(-throughputMinutes);
        return new JobStats
        {
            At = now,
            Counts = counts,
            Queues = queues.Select(q => new QueueBacklog(q.QueueName, q.Queued, q.Due, q.OldestDueAt is { } due ? Max(now - due, TimeSpan.Zero) : null)).ToList(),
            Throughput = finished.Where(s => s.Minute >= window.AddMinutes(-1)).ToList(),
            Workers = workers,
            FailedLastHour = finished.Where(s => s.Minute >= now.AddHours(-1).AddMinutes(-1)).Sum(s => s.Failed),
        };
    }

    public async ValueTask<JobActionResult> CancelAsync(long id, string? reason = null, CancellationToken cancellationToken = default)
    {
        var cancelled = await _store.CancelAsync(id, reason ?? "Cancelled by an operator.", cancellationToken).ConfigureAwait(false);
        var row = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return Report("cancel", id, cancelled ? JobActionOutcome.Done : Refusal(row), row, cancelled
            ? row?.LockedBy is { } worker ? $"Job {id} is cancelled; its handler on {worker} is stopped at its next lease heartbeat." : $"Job {id} is cancelled."
            : Why(id, row, "cancelled", "it is already finished"));
    }

    public async ValueTask<JobActionResult> RetryAsync(long id, CancellationToken cancellationToken = default)
    {
        var row = await _store.RetryAsync(id, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            var current = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            return Report("retry", id, Refusal(current), current,
                Why(id, current, "retried", current?.Status is JobStatus.Failed or JobStatus.Cancelled
                    ? $"another job holds its identity ({current.UniqueKey}): it is unfinished, or its UniqueFor period or for ever holds"
                    : "only failed or cancelled jobs are retried"));
        }

        row = await HandOverAsync(row, cancellationToken).ConfigureAwait(false);
        return Report("retry", id, JobActionOutcome.Done, row, $"Job {id} is queued again with {row.MaxAttempts} fresh attempts (retry {row.Retries}).");
    }

    public async ValueTask<int> RetryAllAsync(JobStatus status, string? jobType = null, CancellationToken cancellationToken = default)
    {
        if (status is not (JobStatus.Failed or JobStatus.Cancelled))
        {
            throw new ArgumentException($"Retry all takes failed or cancelled jobs, not {status.ToStoredValue()} ones.", nameof(status));
        }

        var total = 0;
        while (true)
        {
            var rows = await _store.RetryManyAsync(status, jobType, RetryBatch, cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                break;
            }

            // A round may retry fewer than it read (of rows sharing an identity only the newest), so go on until one retries none.
            total += rows.Count;
            await HandOverManyAsync(rows, cancellationToken).ConfigureAwait(false);
        }

        MonitorLog.Bulk(_logger, "retry", status, jobType is null ? "" : $" of type {jobType}", total);
        JobMetrics.CountOperatorAction("retry-all", JobActionOutcome.Done, total);
        return total;
    }

    public async ValueTask<JobActionResult> RunNowAsync(long id, CancellationToken cancellationToken = default)
    {
        var row = await _store.RunNowAsync(id, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            var current = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            return Report("run-now", id, Refusal(current), current,
                Why(id, current, "run now", current?.Status == JobStatus.Queued ? "it is already due" : "only a queued job that waits is run now"));
        }

        row = await HandOverAsync(row, cancellationToken).ConfigureAwait(false);
        return Report("run-now", id, JobActionOutcome.Done, row, $"Job {id} is due now.");
    }

    public async ValueTask<JobActionResult> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        if (await _store.DeleteAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return Report("delete", id, JobActionOutcome.Done, null, $"Job {id} is deleted.");
        }

        var current = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return Report("delete", id, Refusal(current), current, Why(id, current, "deleted", "only finished jobs are deleted (cancel it first)"));
    }

    public async ValueTask<int> PurgeAsync(JobStatus status, DateTimeOffset finishedBefore, string? jobType = null, CancellationToken cancellationToken = default)
    {
        if (!status.IsFinal())
        {
            throw new ArgumentException($"Purge takes finished jobs (succeeded, failed or cancelled), not {status.ToStoredValue()} ones.", nameof(status));
        }

        var count = await _store.PurgeAsync(status, finishedBefore, jobType, cancellationToken).ConfigureAwait(false);
        MonitorLog.Bulk(_logger, "purge", status, jobType is null ? "" : $" of type {jobType}", count);
        JobMetrics.CountOperatorAction("purge", JobActionOutcome.Done, count);
        return count;
    }

    private async ValueTask<JobRequest> HandOverAsync(JobRequest row, CancellationToken cancellationToken)
    {
        var errors = await HandOverManyAsync([row], cancellationToken).ConfigureAwait(false);
        return errors == 0 ? await _store.GetAsync(row.Id, cancellationToken).ConfigureAwait(false) ?? row : row;
    }

    /// <summary>Hands rows queued again to the runner; a refusal leaves them for the outbox. Returns the refusals.</summary>
    private async ValueTask<int> HandOverManyAsync(IReadOnlyList<JobRequest> rows, CancellationToken cancellationToken)
    {
        IReadOnlyList<Exception?> errors;
        try
        {
            errors = await _dispatcher.RedispatchManyAsync(rows, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            errors = rows.Select(_ => ex).ToList();
        }

        var refused = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (errors[i] is { } error)
            {
                refused++;
                MonitorLog.HandOverFailed(_logger, error, rows[i].Id, _dispatcher.Name);
            }
        }

        return refused;
    }

    private JobActionResult Report(string action, long id, JobActionOutcome outcome, JobRequest? row, string message)
    {
        MonitorLog.Action(_logger, action, id, outcome, message);
        JobMetrics.CountOperatorAction(action, outcome);
        return new JobActionResult { Outcome = outcome, Job = row, Message = message };
    }

    private static JobActionOutcome Refusal(JobRequest? row) => row is null ? JobActionOutcome.NotFound : JobActionOutcome.NotAllowed;

    private static string Why(long id, JobRequest? row, string verb, string rule) => row is null
        ? $"No job has id {id}: it was never written, or was deleted or pruned."
        : $"Job {id} is {row.Status.ToStoredValue()}, so it is not {verb}: {rule}.";

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
