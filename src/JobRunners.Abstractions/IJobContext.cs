namespace JobRunners;

/// <summary>What a job handler can see and do while it runs.</summary>
public interface IJobContext : ITaskContext
{
    /// <summary>The row id.</summary>
    long JobId { get; }

    /// <summary>The job's queue name.</summary>
    string QueueName { get; }

    /// <summary>This attempt's number, starting at 1.</summary>
    int Attempt { get; }

    /// <summary>Attempts allowed in all.</summary>
    int MaxAttempts { get; }

    /// <summary>How many times an operator queued this job again after it failed or was cancelled (0 for none).</summary>
    int Retries { get; }

    /// <summary>Writes progress (0-100) and, optionally, a message to the row, where anyone can read it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The percentage is outside 0-100.</exception>
    ValueTask ReportProgressAsync(int percent, string? message = null, CancellationToken cancellationToken = default);

    /// <summary>Sets the result message written to the row when the attempt ends.</summary>
    void SetResult(string message);

    /// <summary>Extends this worker's lease on the row, for handlers that know they will run long.</summary>
    ValueTask ExtendLeaseAsync(TimeSpan extension, CancellationToken cancellationToken = default);
}
