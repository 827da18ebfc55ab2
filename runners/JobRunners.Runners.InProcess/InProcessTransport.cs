using System.Threading.Channels;

namespace JobRunners.Runners.InProcess;

/// <summary>
/// <c>JOB_RUNNER=in-process</c>: jobs and tasks run on a worker pool in this process. A job's row is written
/// already accepted (the row is the durable queue: queued and delayed rows are picked up again after a restart).
/// </summary>
internal sealed class InProcessTransport : IJobTransport
{
    public const string RunnerName = "in-process";

    private readonly InProcessQueue _queue;
    private readonly TimeProvider _time;

    public InProcessTransport(InProcessQueue queue, TimeProvider time)
    {
        _queue = queue;
        _time = time;
    }

    /// <summary>The row is the queue, any delay is held in memory, and the worker adopts queued rows at start.</summary>
    public JobTransportTraits Traits { get; } = new() { AcceptsOnWrite = true, MaxNativeDelay = TimeSpan.MaxValue, MessagesCanBeLost = false };

    public async ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.RunAt > _time.GetUtcNow())
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
    public async ValueTask<IReadOnlyList<Exception?>> SendJobsAsync(IReadOnlyList<JobRequest> jobs, bool redelivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var errors = new Exception?[jobs.Count];
        var now = _time.GetUtcNow();
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            try
            {
                if (!redelivery)
                {
                    await SendJobAsync(job, cancellationToken).ConfigureAwait(false);
                }
                else if (job.RunAt > now)
                {
                    _queue.Delayed.Schedule(job.Id, job.RunAt);
                }
                else if (!_queue.WriteResent(job.Id))
                {
                    errors[i] = new JobDispatchException($"Job {job.Id} ({job.JobType}) was not handed over again: the in-process runner is stopping; the job stays queued and runs after the next start.", job.Id);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors[i] = ex;
            }
        }

        return errors;
    }

    public ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
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
