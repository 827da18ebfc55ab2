using Microsoft.Extensions.Options;

namespace JobRunners.Runners.Synchronous;

/// <summary>
/// <c>JOB_RUNNER=sync</c>: <see cref="IJobRunner.DispatchJobAsync"/> runs every attempt the retry policy allows
/// before it returns, and returns the finished row (succeeded, failed or cancelled);
/// <see cref="IJobRunner.DispatchTaskAsync"/> runs the task and lets its exception reach the caller. A job delayed
/// into the future is not run at dispatch: its row waits, and the outbox runs it once due.
/// </summary>
internal sealed class SynchronousJobRunner : JobRunnerBase
{
    public const string RunnerName = "sync";

    private readonly SynchronousOptions _options;

    public SynchronousJobRunner(JobRunnerServices services, IOptions<SynchronousOptions> options)
        : base(services)
    {
        _options = options.Value;
    }

    public override string Name => RunnerName;

    protected override async ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        var time = Services.TimeProvider;
        while (true)
        {
            var outcome = await Services.Executor.ExecuteJobAsync(job.Id, new JobExecutionOptions(IgnoreRunAt: true), cancellationToken).ConfigureAwait(false);
            switch (outcome.Kind)
            {
                case JobOutcomeKind.Retry when _options.WaitForBackoff:
                case JobOutcomeKind.NotDue:
                    // NotDue here means its queue is held by a locking job: wait for it.
                    // Timers run on a coarse tick and may end a little early: wait until the clock has passed the time.
                    for (var wait = outcome.RetryAt!.Value - time.GetUtcNow(); wait > TimeSpan.Zero; wait = outcome.RetryAt.Value - time.GetUtcNow())
                    {
                        await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                case JobOutcomeKind.Retry:
                    continue;
                default:
                    return;
            }
        }
    }

    protected override ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) =>
        Services.Executor.ExecuteTaskAsync(task, cancellationToken);

    protected override async ValueTask<JobRequest> AfterDispatchAsync(JobRequest job, CancellationToken cancellationToken) =>
        await Services.Store.GetAsync(job.Id, cancellationToken).ConfigureAwait(false) ?? job;
}
