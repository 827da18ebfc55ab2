namespace JobRunners;

/// <summary>
/// The job store failed: it is unreachable, its schema is missing or newer than this code, its file is unusable, or
/// a statement failed. When the error came after a write was sent, <see cref="RowMayExist"/> is true: the row may or
/// may not have been written.
/// </summary>
public sealed class JobStoreException : JobRunnerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The driver's error.</param>
    /// <param name="schemaMissing">True when the store answered but its tables do not exist yet (migrations not applied).</param>
    /// <param name="rowMayExist">True when a write was sent and its outcome is unknown (e.g. the connection was lost before the commit was confirmed).</param>
    public JobStoreException(string message, Exception? innerException = null, bool schemaMissing = false, bool rowMayExist = false)
        : base(message, innerException)
    {
        SchemaMissing = schemaMissing;
        RowMayExist = rowMayExist;
    }

    /// <summary>True when the store answered but its tables do not exist yet: `jobrunners migrate` or MigrateOnStartup fixes it.</summary>
    public bool SchemaMissing { get; }

    /// <summary>
    /// True when a write was sent but its outcome is unknown: the row (job or task) may or may not exist. Dispatching
    /// again may then run the work twice unless the dispatch has a unique key (<see cref="DispatchOptions.UniqueKey"/>),
    /// with which repeating it returns the row if it was written. False when nothing was written.
    /// </summary>
    public bool RowMayExist { get; }
}
