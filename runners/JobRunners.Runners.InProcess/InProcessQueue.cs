using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.InProcess;

/// <summary>The channel between dispatchers and the worker pool, and the holding area for jobs not yet due.</summary>
internal sealed class InProcessQueue : IDisposable
{
    private readonly Channel<WorkItem> _channel;

    public InProcessQueue(IOptions<InProcessOptions> options, TimeProvider time)
    {
        _channel = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(options.Value.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        Delayed = new DelayedJobs(time);
    }

    public ChannelReader<WorkItem> Reader => _channel.Reader;

    public DelayedJobs Delayed { get; }

    /// <summary>Writes an item, waiting while the channel is full (back-pressure).</summary>
    public ValueTask WriteAsync(WorkItem item, CancellationToken cancellationToken) =>
        _channel.Writer.TryWrite(item) ? ValueTask.CompletedTask : _channel.Writer.WriteAsync(item, cancellationToken);

    /// <summary>Stops accepting work; items already in the channel can still be read.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    public void Dispose() => Delayed.Dispose();
}
