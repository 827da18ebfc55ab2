using System.Collections.Concurrent;

namespace JobRunners.Tests.Hosting;

/// <summary>A transport that records the job ids it is handed and runs nothing; its traits are the test's to choose.</summary>
internal sealed class RecordingTransport(JobTransportTraits traits) : IJobTransport
{
    public const string RunnerName = "recording";

    private readonly ConcurrentQueue<long> _sent = new();

    public IReadOnlyList<long> Sent => [.. _sent];

    public JobTransportTraits Traits => traits;

    public ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        _sent.Enqueue(job.Id);
        return ValueTask.CompletedTask;
    }

    public ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
