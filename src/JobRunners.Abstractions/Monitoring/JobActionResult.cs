namespace JobRunners;

/// <summary>How an operator action on one job (cancel, retry, run now, delete) ended.</summary>
public enum JobActionOutcome
{
    /// <summary>The action was applied.</summary>
    Done,

    /// <summary>No row has this id (never written, or deleted or pruned).</summary>
    NotFound,

    /// <summary>
    /// The row's status does not allow the action (retry of a succeeded job, run now of a running one, delete of an
    /// unfinished one), or another operator or a worker changed the row first; nothing was written.
    /// </summary>
    NotAllowed,
}

/// <summary>The result of an operator action on one job: what happened, the row as it is now, and why when refused.</summary>
public sealed record JobActionResult
{
    /// <summary>What happened.</summary>
    public required JobActionOutcome Outcome { get; init; }

    /// <summary>The row after the action; null when it was not found or was deleted.</summary>
    public JobRequest? Job { get; init; }

    /// <summary>For a person to read: why the action was refused, or what it did.</summary>
    public required string Message { get; init; }

    /// <summary>True when the action was applied.</summary>
    public bool Succeeded => Outcome == JobActionOutcome.Done;
}
