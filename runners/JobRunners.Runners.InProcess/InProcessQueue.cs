using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.InProcess;

/// <summary>
/// What dispatchers hand the worker pool: tasks (the payload itself, run by worker loops) and job ids (claimed in
/// batches), each in a bounded channel, and the holding area for jobs not yet due.
/// </summary>
internal sealed class InProcessQueue : IDisposable
{
    private readonly Channel<PreparedTask> _tasks;
    private readonly Channel<long> _jobs;

    // Jobs handed over again by maintenance (rescued after a dead worker, re-sent by the outbox): read before the
    // backlog, so a rescued attempt keeps the place its row had instead of waiting behind everything queued since.
    private readonly Channel<long> _resent = Channel.CreateUnbounded<long>();

    public InProcessQueue(IOptions<InProcessOptions> options, TimeProvider time)
    {
        var bounded = new BoundedChannelOptions(options.Value.Capacity) { FullMode = BoundedChannelFullMode.Wait };
        _tasks = Channel.CreateBounded<PreparedTask>(bounded);
        _jobs = Channel.CreateBounded<long>(bounded);
        Delayed = new DelayedJobs(time);
    }

    public ChannelReader<PreparedTask> Tasks => _tasks.Reader;

    /// <summary>Takes the next job id: a re-sent one first, then the backlog in order.</summary>
    public bool TryReadJob(out long jobId) => _resent.Reader.TryRead(out jobId) || _jobs.Reader.TryRead(out jobId);

    /// <summary>Waits until a job id can be read; false once both lanes are completed and drained.</summary>
    public async ValueTask<bool> WaitToReadJobsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_resent.Reader.TryPeek(out _) || _jobs.Reader.TryPeek(out _))
            {
                return true;
            }

            if (_jobs.Reader.Completion.IsCompleted && _resent.Reader.Completion.IsCompleted)
            {
                return false;
            }

            // Both lanes are empty: wait on either, then drop the other wait so no waiter is left behind.
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var jobs = _jobs.Reader.WaitToReadAsync(waiting.Token).AsTask();
            var resent = _resent.Reader.WaitToReadAsync(waiting.Token).AsTask();
            await Task.WhenAny(jobs, resent).ConfigureAwait(false);
            await waiting.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public DelayedJobs Delayed { get; }

    /// <summary>Queues a task, waiting while the channel is full (back-pressure).</summary>
    public ValueTask WriteAsync(PreparedTask task, CancellationToken cancellationToken) =>
        _tasks.Writer.TryWrite(task) ? ValueTask.CompletedTask : _tasks.Writer.WriteAsync(task, cancellationToken);

    /// <summary>Queues a job id, waiting while the channel is full (back-pressure).</summary>
    public ValueTask WriteAsync(long jobId, CancellationToken cancellationToken) =>
        _jobs.Writer.TryWrite(jobId) ? ValueTask.CompletedTask : _jobs.Writer.WriteAsync(jobId, cancellationToken);

    /// <summary>Queues a job id handed over again, ahead of the backlog (never waits: the lane is unbounded, and holds only what maintenance re-sends).</summary>
    public bool WriteResent(long jobId) => _resent.Writer.TryWrite(jobId);

    /// <summary>Stops accepting work; items already in the channels can still be read.</summary>
    public void Complete()
    {
        _tasks.Writer.TryComplete();
        _jobs.Writer.TryComplete();
        _resent.Writer.TryComplete();
    }

    public void Dispose() => Delayed.Dispose();
}
