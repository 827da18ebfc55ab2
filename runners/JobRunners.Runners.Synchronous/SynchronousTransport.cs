using Microsoft.Extensions.Options;

namespace JobRunners.Runners.Synchronous;

/// <summary>
/// <c>JOB_RUNNER=sync</c>: <see cref="IJobRunner.DispatchJobAsync"/> runs every attempt the retry policy allows
/// before it returns, and returns the finished row (succeeded, failed or cancelled);
/// <see cref="IJobRunner.DispatchTaskAsync"/> runs the task and lets its exception reach the caller. A job delayed
/// into the future is not run at dispatch: its row waits, and the outbox runs it once due.
/// </summary>
internal sealed class SynchronousTransport : IJobTransport
{
    public const string RunnerName = "sync";

    private readonly JobExecutor _executor;
    private readonly TimeProvider _time;
    private readonly SynchronousOptions _options;

    public SynchronousTransport(JobExecutor executor, TimeProvider time, IOptions<SynchronousOptions> options)
    {
        _executor = executor;
        _time = time;
        _options = options.Value;
    }

    /// <summary>A send runs the job to its end: the caller gets the finished row.</summary>
    public JobTransportTraits Traits { get; } = new() { ReturnsFinishedRow = true };

    public async ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        while (true)
        {
            var outcome = await _executor.ExecuteJobAsync(job.Id, new JobExecutionOptions(IgnoreRunAt: true), cancellationToken).ConfigureAwait(false);
            switch (outcome.Kind)
            {
                case JobOutcomeKind.Retry when _options.WaitForBackoff:
                case JobOutcomeKind.NotDue:
                    // NotDue here means its queue is held by a locking job: wait for it.
                    // Timers run on a coarse tick and may end a little early: wait until the clock has passed the time.
                    for (var wait = outcome.RetryAt!.Value - _time.GetUtcNow(); wait > TimeSpan.Zero; wait = outcome.RetryAt.Value - _time.GetUtcNow())
                    {
                        await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                case JobOutcomeKind.Retry:
                    continue;
                default:
                    return;
            }
        }
    }

    public ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) =>
        _executor.ExecuteTaskAsync(task, cancellationToken);
}
