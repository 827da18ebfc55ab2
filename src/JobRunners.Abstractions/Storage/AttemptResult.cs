namespace JobRunners.Storage;

/// <summary>What to write when an attempt ends.</summary>
public sealed record AttemptResult
{
    /// <summary>How the attempt ended.</summary>
    public required AttemptOutcome Outcome { get; init; }

    /// <summary>The handler's result message.</summary>
    public string? ResultMessage { get; init; }

    /// <summary>The error: exception type and message.</summary>
    public string? Error { get; init; }

    /// <summary>For <see cref="AttemptOutcome.Retry"/>: when to run again.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>
    /// For <see cref="AttemptOutcome.Retry"/> and <see cref="AttemptOutcome.Released"/>: clear <c>dispatched_at</c> so
    /// the outbox hands the job to the runner again once due. For runners with nothing that redelivers by itself
    /// (a direct Lambda invoke); queue runners redeliver the message instead.
    /// </summary>
    public bool ReturnToOutbox { get; init; }
}
