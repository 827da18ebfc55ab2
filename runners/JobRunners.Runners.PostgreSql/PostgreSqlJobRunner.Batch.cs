using JobRunners.Storage;

namespace JobRunners.Runners.PostgreSql;

/// <content>
/// Batches in one statement: the rows of a batch (jobs without unique keys, or tasks) and their NOTIFY are
/// written together, one round trip for the whole batch.
/// </content>
internal sealed partial class PostgreSqlJobRunner
{
    /// <inheritdoc />
    /// <remarks>
    /// Jobs without a unique key are written in one statement with their NOTIFY; jobs with one go through the
    /// store's insert, which returns the existing unfinished row on a clash.
    /// </remarks>
    public override async ValueTask<IReadOnlyList<DispatchResult>> DispatchJobsAsync(IReadOnlyList<JobDispatch> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var results = new DispatchResult[jobs.Count];
        var bulk = new List<(int Index, NewJobRequest Row)>(jobs.Count);
        var keyed = new List<int>();
        for (var i = 0; i < jobs.Count; i++)
        {
            try
            {
                var row = PrepareJob(jobs[i].JobType, jobs[i].Payload, jobs[i].Options);
                if (row.UniqueKey is null)
                {
                    bulk.Add((i, row));
                }
                else
                {
                    keyed.Add(i);
                }
            }
            catch (JobRunnerException ex)
            {
                results[i] = DispatchResult.Failure(i, ex);
            }
        }

        if (bulk.Count > 0)
        {
            try
            {
                var written = await WriteAndAnnounceAsync(bulk.Select(b => b.Row).ToList(), cancellationToken).ConfigureAwait(false);
                for (var k = 0; k < bulk.Count; k++)
                {
                    results[bulk[k].Index] = DispatchResult.Success(bulk[k].Index, written[k]);
                }
            }
            catch (JobRunnerException ex)
            {
                // One statement: every row of the batch was written, or none was.
                foreach (var (index, _) in bulk)
                {
                    results[index] = DispatchResult.Failure(index, ex);
                }
            }
        }

        if (keyed.Count > 0)
        {
            var keyedResults = await base.DispatchJobsAsync(keyed.Select(i => jobs[i]).ToList(), cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < keyed.Count; k++)
            {
                results[keyed[k]] = keyedResults[k] with { Index = keyed[k] };
            }
        }

        return results;
    }

    protected override ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) => WriteTasksAsync([task], cancellationToken);

    protected override async ValueTask<IReadOnlyList<Exception?>> SendTasksAsync(IReadOnlyList<PreparedTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var errors = new Exception?[tasks.Count];
        try
        {
            await WriteTasksAsync(tasks, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One statement wrote all or nothing.
            Array.Fill(errors, ex);
        }

        return errors;
    }

    private async ValueTask WriteTasksAsync(IReadOnlyList<PreparedTask> tasks, CancellationToken cancellationToken)
    {
        var maxAttempts = Services.Options.Retry.MaxAttempts;
        var rows = tasks.Select(task => new NewJobRequest
        {
            JobType = TaskRows.JobType(task.Name),
            QueueName = TaskRows.JobType(task.Name),
            Payload = JobEnvelope.ForTask(task).Serialize(),
            MaxAttempts = maxAttempts,
            Runner = Name,
            Dispatched = true,
        }).ToList();
        await WriteAndAnnounceAsync(rows, cancellationToken).ConfigureAwait(false);
    }
}
