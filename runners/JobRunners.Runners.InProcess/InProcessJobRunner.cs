using System.Threading.Channels;

namespace JobRunners.Runners.InProcess;

/// <summary>
/// <c>JOB_RUNNER=in-process</c>: jobs and tasks run on a worker pool in this process. A job's row is written
/// already accepted (the row is the durable queue: queued and delayed rows are picked up again after a restart).
/// </summary>
internal sealed class InProcessJobRunner : JobRunnerBase
{
    public const string RunnerName = "in-process";

    private readonly InProcessQueue _queue;

    public InProcessJobRunner(JobRunnerServices services, InProcessQueue queue)
        : base(services)
    {
        _queue = queue;
    }

    public override string Name => RunnerName;

    protected override bool AcceptsOnWrite => true;

    protected override TimeSpan MaxNativeDelay => TimeSpan.MaxValue;

    protected override async ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        if (job.RunAt > Services.TimeProvider.GetUtcNow())
        {
            _queue.Delayed.Schedule(job.Id, job.RunAt);
            return;
        }

        try
        {
            await _queue.WriteAsync(job.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new JobDispatchException($"Job {job.Id} ({job.JobType}) was saved, but the in-process runner is stopping; the job stays queued and runs after the next start.", job.Id);
        }
    }

    /// <summary>
    /// Rows handed over again (rescued, or never accepted) go ahead of the backlog: the worker reads them first, so
    /// a rescued attempt keeps its row's place. Delayed ones wait for their time as on first dispatch.
    /// </summary>
    protected override ValueTask<IReadOnlyList<Exception?>> ResendJobsAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken)
    {
        var errors = new Exception?[jobs.Count];
        var now = Services.TimeProvider.GetUtcNow();
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            if (job.RunAt > now)
            {
                _queue.Delayed.Schedule(job.Id, job.RunAt);
            }
            else if (!_queue.WriteResent(job.Id))
            {
                errors[i] = new JobDispatchException($"Job {job.Id} ({job.JobType}) was not handed over again: the in-process runner is stopping; the job stays queued and runs after the next start.", job.Id);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<Exception?>>(errors);
    }

    protected override ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken)
    {
        var write = _queue.WriteAsync(task, cancellationToken);
        return write.IsCompletedSuccessfully ? write : AwaitTaskWrite(write, task.Name);
    }

    private static async ValueTask AwaitTaskWrite(ValueTask write, string name)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new JobDispatchException($"Task '{name}' was not accepted: the in-process runner is stopping.");
        }
    }
}
