using System.Text.Json.Serialization;

namespace JobRunners.Extensibility;

/// <summary>The kinds of <see cref="JobOutcome"/>. In JSON it is the member name (<c>"Retry"</c>), read back whatever its case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobOutcomeKind>))]
public enum JobOutcomeKind
{
    /// <summary>The attempt succeeded (or the task ran): the row is final.</summary>
    Succeeded,

    /// <summary>The attempt failed and the job will not run again: the row is failed, with its error.</summary>
    Failed,

    /// <summary>The job was cancelled: the row is final.</summary>
    Cancelled,

    /// <summary>The attempt failed and runs again at <see cref="JobOutcome.RetryAt"/> (a task without a time: when the queue redelivers it).</summary>
    Retry,

    /// <summary>The worker stopped mid-attempt: the row is queued again now and the attempt is not counted.</summary>
    Released,

    /// <summary>This worker lost the row mid-attempt (it was cancelled, or its lease lapsed and was rescued): its result was not written.</summary>
    LeaseLost,

    /// <summary>Not run: the row runs elsewhere or is already final (a duplicate delivery).</summary>
    Skipped,

    /// <summary>Not run yet: the row is not due, or its queue is held by a locking job; try again at <see cref="JobOutcome.RetryAt"/>.</summary>
    NotDue,

    /// <summary>Not run: this worker has no handler for the row's job type; a worker that has one takes it.</summary>
    NotServed,

    /// <summary>Can never run here: not a job envelope, an unknown task, or no row with that id. Park the message.</summary>
    Rejected,
}
