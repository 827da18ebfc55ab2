namespace JobRunners;

/// <summary>
/// The backend did not accept a dispatch. For a job the row was already written: <see cref="JobId"/> names it,
/// its <c>dispatched_at</c> stays empty, and the outbox re-sends it once the backend is reachable.
/// </summary>
public sealed class JobDispatchException : JobRunnerException
{
    /// <summary>Creates the exception.</summary>
    public JobDispatchException(string message, long? jobId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        JobId = jobId;
    }

    /// <summary>The row written before sending failed, or null for a task.</summary>
    public long? JobId { get; }
}
