using Coravel.Queuing.Interfaces;

namespace JobRunners.Benchmarks.InProcess;

/// <summary>
/// Drains Coravel's queue as its hosted consumer does, but continuously rather than every ConsummationDelay
/// (at least 1 s), so the queue does not grow without bound during a benchmark iteration.
/// </summary>
internal static class CoravelDrain
{
    public static async Task RunAsync(IQueue queue, CancellationToken stop)
    {
        var consume = queue as Coravel.Queuing.Queue ?? throw new InvalidOperationException("Coravel's IQueue is no longer Coravel.Queuing.Queue.");
        while (!stop.IsCancellationRequested)
        {
            await consume.ConsumeQueueAsync();
            await Task.Delay(1, CancellationToken.None);
        }
    }
}
