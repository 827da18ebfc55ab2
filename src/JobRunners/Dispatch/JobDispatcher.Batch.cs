using System.Diagnostics;
using JobRunners.Diagnostics;

namespace JobRunners;

/// <content>Batch dispatch: many rows written, one batch call to the transport, a result per item.</content>
internal sealed partial class JobDispatcher
{
    /// <summary>
    /// Dispatches many jobs: validates every item, writes the valid ones in one batch, hands the new ones to the
    /// transport's <see cref="IJobTransport.SendJobsAsync"/> (one batch call where the backend has one), marks the
    /// accepted ones dispatched in one write, and reports each item's fate. An item that fails validation writes no
    /// row; an item whose send fails keeps its row for the outbox and reports a <see cref="JobDispatchException"/>
    /// with the row id. The write is all or nothing: when it fails, every valid item reports the error.
    /// </summary>
    public async ValueTask<IReadOnlyList<DispatchResult>> DispatchJobsAsync(IReadOnlyList<JobDispatch> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var results = new DispatchResult[jobs.Count];
        var valid = new List<(int Index, NewJobRequest Request)>(jobs.Count);
        for (var i = 0; i < jobs.Count; i++)
        {
            try
            {
                valid.Add((i, PrepareJob(jobs[i].JobType, jobs[i].Payload, jobs[i].Options)));
            }
            catch (JobRunnerException ex)
            {
                results[i] = DispatchResult.Failure(i, ex);
            }
        }

        if (valid.Count == 0)
        {
            return results;
        }

        using var activity = JobTracing.StartSend(Name, Common(valid, v => v.Request.QueueName), Common(valid, v => v.Request.JobType), null, valid.Count);
        for (var k = 0; k < valid.Count; k++)
        {
            valid[k] = (valid[k].Index, WithTrace(valid[k].Request));
        }

        IReadOnlyList<InsertResult> inserted;
        try
        {
            inserted = await WriteJobsAsync(valid.Select(v => v.Request).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JobRunnerException || IsRawStoreError(ex))
        {
            var error = ex as JobRunnerException ?? StoreFailure(ex);
            JobTracing.Fail(activity, error);
            foreach (var (index, _) in valid)
            {
                results[index] = DispatchResult.Failure(index, error);
            }

            return results;
        }

        var toSend = new List<(int Index, JobRequest Job)>(valid.Count);
        for (var k = 0; k < valid.Count; k++)
        {
            var (index, request) = valid[k];
            if (inserted[k].Created && !IsDeferred(request.RunAt) && _writer is null)
            {
                toSend.Add((index, inserted[k].Job));
            }
            else if (!inserted[k].Created)
            {
                results[index] = DispatchResult.Success(index, inserted[k].Job with { Deduplicated = true });
                JobMetrics.Count(JobMetrics.Deduplicated, request.JobType, request.QueueName, Name);
            }
            else
            {
                results[index] = DispatchResult.Success(index, inserted[k].Job);
                JobMetrics.Count(JobMetrics.Dispatched, request.JobType, request.QueueName, Name);
            }
        }

        if (toSend.Count == 0)
        {
            return results;
        }

        var errors = await _transport.SendJobsAsync(toSend.Select(s => s.Job).ToList(), redelivery: false, cancellationToken).ConfigureAwait(false);
        var accepted = new List<(int Index, JobRequest Job)>(toSend.Count);
        for (var k = 0; k < toSend.Count; k++)
        {
            var (index, job) = toSend[k];
            if (errors[k] is { } error)
            {
                results[index] = DispatchResult.Failure(index, AsDispatchFailure(job, error), job);
                if (activity?.Status != ActivityStatusCode.Error)
                {
                    JobTracing.Fail(activity, error);
                }
            }
            else
            {
                accepted.Add((index, job));
                JobMetrics.Count(JobMetrics.Dispatched, job.JobType, job.QueueName, Name);
            }
        }

        if (!_acceptsOnWrite && accepted.Count > 0)
        {
            await MarkSentAsync(accepted.Select(a => new JobDispatchMark(a.Job.Id, a.Job.Attempts)).ToList(), cancellationToken).ConfigureAwait(false);
        }

        var now = _time.GetUtcNow();
        foreach (var (index, job) in accepted)
        {
            var sent = _acceptsOnWrite ? job : job with { DispatchedAt = now, Runner = Name };
            results[index] = DispatchResult.Success(index, await FinishedRowAsync(sent, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// Dispatches many tasks: validates each, hands the valid ones to the transport's
    /// <see cref="IJobTransport.SendTasksAsync"/> (one batch call where the backend has one), and reports each item's fate.
    /// </summary>
    public async ValueTask<IReadOnlyList<DispatchResult>> DispatchTasksAsync(IReadOnlyList<TaskDispatch> tasks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var results = new DispatchResult[tasks.Count];
        var toSend = new List<(int Index, PreparedTask Task)>(tasks.Count);
        for (var i = 0; i < tasks.Count; i++)
        {
            try
            {
                toSend.Add((i, _registry.PrepareTask(tasks[i].TaskName, tasks[i].Payload)));
            }
            catch (JobRunnerException ex)
            {
                results[i] = DispatchResult.Failure(i, ex);
            }
        }

        if (toSend.Count == 0)
        {
            return results;
        }

        using var activity = JobTracing.StartSend(Name, Common(toSend, t => t.Task.StoredName), Common(toSend, t => t.Task.StoredName), null, toSend.Count);
        var trace = JobTracing.CurrentActivityContext();
        foreach (var (_, task) in toSend)
        {
            task.CarryTrace(trace);
        }

        IReadOnlyList<Exception?> errors;
        try
        {
            errors = await _transport.SendTasksAsync(toSend.Select(s => s.Task).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (JobTracing.Failed(activity, ex))
        {
            throw;
        }

        for (var k = 0; k < toSend.Count; k++)
        {
            var index = toSend[k].Index;
            if (errors[k] is null)
            {
                var stored = toSend[k].Task.StoredName;
                JobMetrics.Count(JobMetrics.Dispatched, stored, stored, Name);
            }
            else if (activity?.Status != ActivityStatusCode.Error)
            {
                JobTracing.Fail(activity, errors[k]!);
            }

            results[index] = errors[k] switch
            {
                null => DispatchResult.Success(index, null),
                JobRunnerException known => DispatchResult.Failure(index, known),
                var other => DispatchResult.Failure(index, new JobDispatchException($"Task '{toSend[k].Task.Name}' was not accepted by the {Name} runner: {other.Message}", null, other)),
            };
        }

        return results;
    }

    /// <summary>The value every item shares (a batch's queue or job type), or null when they differ.</summary>
    private static string? Common<T>(List<T> items, Func<T, string> value)
    {
        var first = value(items[0]);
        for (var i = 1; i < items.Count; i++)
        {
            if (!string.Equals(value(items[i]), first, StringComparison.Ordinal))
            {
                return null;
            }
        }

        return first;
    }
}
