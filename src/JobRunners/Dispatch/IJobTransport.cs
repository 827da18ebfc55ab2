namespace JobRunners.Extensibility;

/// <summary>
/// The part of a runner that is specific to its backend: hand a job or a task over to it. Register an implementation
/// with <see cref="JobRunnersBuilder.AddRunner{TTransport}(string, Action{Microsoft.Extensions.DependencyInjection.IServiceCollection}?, Action{Microsoft.Extensions.DependencyInjection.IServiceCollection}?)"/>:
/// the core's dispatcher, the application's <see cref="IJobRunner"/>, does everything else, the same for every
/// runner: it validates the payload, writes the row first, marks it dispatched once the transport accepted it, and
/// keeps it for the outbox when the transport refused it; maintenance re-sends rows whose message was lost, and
/// rescues rows whose worker died. Whatever consumes the backend runs each job with
/// <see cref="JobExecutor.ExecuteJobAsync"/> (the claim there makes a duplicate delivery harmless) and each task with
/// <see cref="JobExecutor.ExecuteTaskAsync"/>. A transport whose backend is the store itself can also write the rows
/// (<see cref="IJobRowWriter"/>).
/// </summary>
public interface IJobTransport
{
    /// <summary>What the dispatcher and maintenance may expect of this backend.</summary>
    JobTransportTraits Traits => JobTransportTraits.Default;

    /// <summary>What is missing before the transport can send; checked at start. The default needs nothing.</summary>
    /// <param name="runnerName">The name the transport is registered under, for messages.</param>
    RunnerConfiguration CheckConfiguration(string runnerName) => RunnerConfiguration.Ok(runnerName);

    /// <summary>
    /// Asks the backend whether it is reachable (a queue's attributes, a function's configuration), for the
    /// <c>jobrunners-backend</c> health check. Return the backend's error as <see cref="TransportHealth.Unreachable"/>
    /// rather than throwing. The default has nothing to check.
    /// </summary>
    ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) => ValueTask.FromResult(TransportHealth.NothingToCheck);

    /// <summary>
    /// Hands a job over to the backend (the row exists and is queued). Throw when the backend did not take it: the row
    /// stays for the outbox, which calls this again.
    /// </summary>
    ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken);

    /// <summary>Hands a task over to the backend. Throw when the backend did not take it: the caller sees the error.</summary>
    ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken);

    /// <summary>
    /// Hands many job rows over (a batch dispatch, or maintenance sending rows again); returns one entry per job, in
    /// order: null where the backend took it, the error where it did not. The default calls
    /// <see cref="SendJobAsync"/> for each; implement it to use the backend's batch call.
    /// </summary>
    /// <param name="jobs">The queued rows.</param>
    /// <param name="redelivery">
    /// True when maintenance hands the rows over again (rescued after a dead worker, never accepted, lost, or
    /// adopted from another runner); a backend that can put them ahead of its backlog may, so a rescued attempt keeps
    /// its row's place.
    /// </param>
    /// <param name="cancellationToken">Cancels the sends.</param>
    async ValueTask<IReadOnlyList<Exception?>> SendJobsAsync(IReadOnlyList<JobRequest> jobs, bool redelivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var errors = new Exception?[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            try
            {
                await SendJobAsync(jobs[i], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors[i] = ex;
            }
        }

        return errors;
    }

    /// <summary>
    /// Hands many tasks over; returns one entry per task, in order: null where the backend took it, the error where it
    /// did not. The default calls <see cref="SendTaskAsync"/> for each; implement it to use the backend's batch call.
    /// </summary>
    async ValueTask<IReadOnlyList<Exception?>> SendTasksAsync(IReadOnlyList<PreparedTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var errors = new Exception?[tasks.Count];
        for (var i = 0; i < tasks.Count; i++)
        {
            try
            {
                await SendTaskAsync(tasks[i], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors[i] = ex;
            }
        }

        return errors;
    }
}
