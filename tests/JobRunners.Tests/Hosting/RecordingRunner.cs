using System.Collections.Concurrent;

namespace JobRunners.Tests.Hosting;

/// <summary>A runner that records the job ids it is handed and runs nothing; its traits are the test's to choose.</summary>
internal sealed class RecordingRunner(JobRunnerServices services, RecordingRunner.Traits traits) : JobRunnerBase(services)
{
    public const string RunnerName = "recording";

    private readonly ConcurrentQueue<long> _sent = new();

    public IReadOnlyList<long> Sent => [.. _sent];

    public override string Name => RunnerName;

    protected override bool AcceptsOnWrite => traits.AcceptsOnWrite;

    protected override TimeSpan MaxNativeDelay => traits.MaxNativeDelay;

    protected internal override bool SendsOnlyDueRows => traits.SendsOnlyDueRows;

    protected override ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        _sent.Enqueue(job.Id);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>What the runner says about itself.</summary>
    public sealed record Traits(bool AcceptsOnWrite = false, bool SendsOnlyDueRows = false, TimeSpan MaxNativeDelay = default);
}
