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

    public InProcessQueue(IOptions<InProcessOptions> options, TimeProvider time)
    {
        var bounded = new BoundedChannelOptions(options.Value.Capacity) { FullMode = BoundedChannelFullMode.Wait };
        _tasks = Channel.CreateBounded<PreparedTask>(bounded);
        _jobs = Channel.CreateBounded<long>(bounded);
        Delayed = new DelayedJobs(time);
    }

    public ChannelReader<PreparedTask> Tasks => _tasks.Reader;

    public ChannelReader<long> Jobs => _jobs.Reader;

    public DelayedJobs Delayed { get; }

    /// <summary>Queues a task, waiting while the channel is full (back-pressure).</summary>
    public ValueTask WriteAsync(PreparedTask task, CancellationToken cancellationToken) =>
        _tasks.Writer.TryWrite(task) ? ValueTask.CompletedTask : _tasks.Writer.WriteAsync(task, cancellationToken);

    /// <summary>Queues a job id, waiting while the channel is full (back-pressure).</summary>
    public ValueTask WriteAsync(long jobId, CancellationToken cancellationToken) =>
        _jobs.Writer.TryWrite(jobId) ? ValueTask.CompletedTask : _jobs.Writer.WriteAsync(jobId, cancellationToken);

    /// <summary>Stops accepting work; items already in the channels can still be read.</summary>
    public void Complete()
    {
        _tasks.Writer.TryComplete();
        _jobs.Writer.TryComplete();
    }

    public void Dispose() => Delayed.Dispose();
}
