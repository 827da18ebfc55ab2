namespace JobRunners;

/// <summary>
/// The one interface application code uses to hand work to the background. Exactly one runner is active per
/// process; the deployment chooses it with the <c>JOB_RUNNER</c> setting.
/// </summary>
public interface IJobRunner
{
    /// <summary>The name this runner is selected by, such as <c>in-process</c> or <c>aws-sqs</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Checks that every setting the runner needs is present. Called at startup so a misconfigured deployment
    /// fails fast, naming every missing setting.
    /// </summary>
    RunnerConfiguration CheckConfiguration();

    /// <summary>
    /// Writes a tracked <see cref="JobRequest"/> row for a job and hands its id to the backend.
    /// </summary>
    /// <param name="jobType">The registered job name.</param>
    /// <param name="payload">The payload: the registered payload record, or anything that serializes to it.</param>
    /// <param name="options">Queue, delay, priority, unique key and attempts; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the dispatch (not the job).</param>
    /// <returns>The row as written (or, for the synchronous runner, as finished).</returns>
    /// <exception cref="UnknownHandlerException">No job is registered under <paramref name="jobType"/>.</exception>
    /// <exception cref="PayloadValidationException">The payload fails validation.</exception>
    /// <exception cref="JobDispatchException">The row was written but the backend did not accept it; the outbox re-sends it.</exception>
    ValueTask<JobRequest> DispatchJobAsync(string jobType, object payload, DispatchOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands a fire-and-forget task to the backend. Tasks are untracked: most runners write no row (the task travels
    /// in memory or in a message); the <c>postgres</c> runner keeps it as a row until it ran, then deletes it
    /// (durable tasks). Returns once the backend accepted it (for the synchronous runner, once it has run).
    /// </summary>
    /// <exception cref="UnknownHandlerException">No task is registered under <paramref name="taskName"/>.</exception>
    /// <exception cref="PayloadValidationException">The payload fails validation.</exception>
    ValueTask DispatchTaskAsync(string taskName, object payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Dispatches many jobs. Each item succeeds or fails on its own; runners with a batch call use it.
    /// </summary>
    async ValueTask<IReadOnlyList<DispatchResult>> DispatchJobsAsync(IReadOnlyList<JobDispatch> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var results = new DispatchResult[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            try
            {
                var row = await DispatchJobAsync(jobs[i].JobType, jobs[i].Payload, jobs[i].Options, cancellationToken).ConfigureAwait(false);
                results[i] = DispatchResult.Success(i, row);
            }
            catch (JobRunnerException ex)
            {
                results[i] = DispatchResult.Failure(i, ex);
            }
        }

        return results;
    }

    /// <summary>
    /// Dispatches many tasks. Each item succeeds or fails on its own; runners with a batch call use it.
    /// </summary>
    async ValueTask<IReadOnlyList<DispatchResult>> DispatchTasksAsync(IReadOnlyList<TaskDispatch> tasks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var results = new DispatchResult[tasks.Count];
        for (var i = 0; i < tasks.Count; i++)
        {
            try
            {
                await DispatchTaskAsync(tasks[i].TaskName, tasks[i].Payload, cancellationToken).ConfigureAwait(false);
                results[i] = DispatchResult.Success(i, null);
            }
            catch (JobRunnerException ex)
            {
                results[i] = DispatchResult.Failure(i, ex);
            }
        }

        return results;
    }
}
