using JobRunners.Execution;

namespace JobRunners.Extensibility;

/// <content>
/// Work that arrives by id or by message: the rows of a whole delivery are claimed in one statement, each claimed
/// row runs as its own attempt, and every id that was not claimed gets the outcome that says why.
/// </content>
public sealed partial class JobExecutor
{
    // How soon to look again at a due row that was not claimed: its queue is held by a locking job, or another
    // worker was claiming it at that moment.
    private static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(1);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _unservedWarned = new(StringComparer.Ordinal);

    /// <summary>Claims the row and, if this worker wins it, runs one attempt; otherwise says why not.</summary>
    /// <param name="jobId">The row id.</param>
    /// <param name="options">How to claim and treat retries.</param>
    /// <param name="stoppingToken">Signalled when the worker stops: the attempt is interrupted and the row released.</param>
    public async ValueTask<JobOutcome> ExecuteJobAsync(long jobId, JobExecutionOptions options = default, CancellationToken stoppingToken = default)
    {
        var runs = await ExecuteJobsAsync([jobId], options, stoppingToken).ConfigureAwait(false);
        return await runs[0].ConfigureAwait(false);
    }

    /// <summary>
    /// Claims the rows in one statement and starts one attempt for each row won; returns, in the order given, a task
    /// per id with its outcome. An id listed twice runs once (the later ones are <see cref="JobOutcomeKind.Skipped"/>).
    /// </summary>
    /// <exception cref="JobStoreException">The store cannot be reached for the claim.</exception>
    public async ValueTask<IReadOnlyList<Task<JobOutcome>>> ExecuteJobsAsync(IReadOnlyList<long> jobIds, JobExecutionOptions options = default, CancellationToken stoppingToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        var distinct = jobIds.Distinct().ToList();
        var claimed = distinct.Count == 0 ? [] : await _store.ClaimAsync(
            new JobClaimRequest
            {
                WorkerId = WorkerId,
                Lease = _options.Lease,
                Limit = distinct.Count,
                Ids = distinct,
                JobTypes = ServedJobTypes,
                IgnoreRunAt = options.IgnoreRunAt,
            },
            stoppingToken).ConfigureAwait(false);

        var runs = new Dictionary<long, Task<JobOutcome>>(distinct.Count);
        foreach (var row in claimed)
        {
            runs[row.Id] = ExecuteClaimedAsync(row, options, stoppingToken).AsTask();
        }

        if (runs.Count < distinct.Count)
        {
            var refused = distinct.Where(id => !runs.ContainsKey(id)).ToList();
            var rows = (await _store.GetManyAsync(refused, stoppingToken).ConfigureAwait(false)).ToDictionary(r => r.Id);
            foreach (var id in refused)
            {
                runs[id] = Task.FromResult(WhyNotClaimed(id, rows.GetValueOrDefault(id), options));
            }
        }

        var seen = new HashSet<long>();
        return jobIds.Select(id => seen.Add(id) ? runs[id] : Task.FromResult(JobOutcome.Skipped)).ToList();
    }

    /// <summary>
    /// Handles messages from a queue: parses each envelope, claims the rows of all job envelopes in one statement
    /// and runs them, runs task envelopes; returns, in the order given, a task per message with its outcome. Never
    /// throws for bad messages or failing handlers: a message that can never run is
    /// <see cref="JobOutcomeKind.Rejected"/>, a failing task is a <see cref="JobOutcomeKind.Retry"/> without a time
    /// (the queue redelivers it). Only a store outage escapes.
    /// </summary>
    public async ValueTask<IReadOnlyList<Task<JobOutcome>>> ExecuteEnvelopesAsync(IReadOnlyList<string> messages, JobExecutionOptions options = default, CancellationToken stoppingToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var outcomes = new Task<JobOutcome>[messages.Count];
        var jobs = new List<(int Index, long Id)>();
        for (var i = 0; i < messages.Count; i++)
        {
            JobEnvelope envelope;
            try
            {
                envelope = JobEnvelope.Parse(messages[i]);
            }
            catch (MalformedEnvelopeException ex)
            {
                ExecutorLog.MessageNotAnEnvelope(_logger, ex.Reason);
                outcomes[i] = Task.FromResult(JobOutcome.Rejected(ex.Message));
                continue;
            }

            if (envelope.Kind == EnvelopeKind.Job)
            {
                jobs.Add((i, envelope.JobId!.Value));
            }
            else
            {
                outcomes[i] = RunTaskEnvelope(envelope, stoppingToken);
            }
        }

        if (jobs.Count > 0)
        {
            var runs = await ExecuteJobsAsync(jobs.Select(j => j.Id).ToList(), options, stoppingToken).ConfigureAwait(false);
            for (var k = 0; k < jobs.Count; k++)
            {
                outcomes[jobs[k].Index] = runs[k];
            }
        }

        return outcomes;
    }

    /// <summary>Handles one message as <see cref="ExecuteEnvelopesAsync"/> does.</summary>
    public async ValueTask<JobOutcome> ExecuteEnvelopeAsync(string message, JobExecutionOptions options = default, CancellationToken stoppingToken = default)
    {
        var outcomes = await ExecuteEnvelopesAsync([message], options, stoppingToken).ConfigureAwait(false);
        return await outcomes[0].ConfigureAwait(false);
    }

    private Task<JobOutcome> RunTaskEnvelope(JobEnvelope envelope, CancellationToken stoppingToken)
    {
        PreparedTask task;
        try
        {
            task = _registry.ReadTask(envelope.Name, envelope.Payload!);
            task.CarryTrace(envelope.TraceParent, envelope.TraceState);
        }
        catch (JobRunnerException ex) when (ex is UnknownHandlerException or PayloadValidationException)
        {
            ExecutorLog.TaskMessageCannotRun(_logger, envelope.Name, ex.Message);
            return Task.FromResult(JobOutcome.Rejected(ex.Message));
        }

        return Task.Run(async () =>
        {
            try
            {
                await ExecuteTaskAsync(task, stoppingToken).ConfigureAwait(false);
                return JobOutcome.Succeeded;
            }
#pragma warning disable CA1031 // A failing task is retried by the queue's redelivery; it must not stop the worker.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ExecutorLog.TaskMessageFailed(_logger, ex, task.Name);
                return JobOutcome.Retry(null, Describe(ex));
            }
        }, CancellationToken.None);
    }

    private JobOutcome WhyNotClaimed(long id, JobRequest? row, JobExecutionOptions options)
    {
        if (row is null)
        {
            ExecutorLog.DeliveredJobMissing(_logger, id, _store.Name);
            return JobOutcome.Rejected($"No job {id} in the {_store.Name} store: pruned, or sent by a deployment using another store.");
        }

        if (row.Status != JobStatus.Queued)
        {
            return JobOutcome.Skipped;
        }

        if (!_served.Contains(row.JobType))
        {
            // Not an attempt: the row is left as it is (queued, attempts unchanged) for a worker that has the handler,
            // as in a rolling deploy. Warned once per type, or a busy queue would flood the log.
            if (_unservedWarned.TryAdd(row.JobType, 0))
            {
                ExecutorLog.JobTypeNotServed(_logger, id, row.JobType);
            }
            else
            {
                ExecutorLog.JobTypeNotServedAgain(_logger, id, row.JobType);
            }

            return JobOutcome.NotServed($"No handler for job type '{row.JobType}' in this process; left queued for a worker that has one.");
        }

        var now = _time.GetUtcNow();
        return !options.IgnoreRunAt && row.RunAt > now
            ? JobOutcome.NotDue(row.RunAt, "not due yet")
            : JobOutcome.NotDue(now + BusyRetry, $"queue '{row.QueueName}' is held by a locking job, or another worker is claiming the row");
    }
}
