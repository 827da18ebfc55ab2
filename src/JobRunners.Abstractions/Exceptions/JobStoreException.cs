namespace JobRunners;

/// <summary>The job store cannot be used as configured (unreachable, or its schema is missing).</summary>
public sealed class JobStoreException : JobRunnerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The driver's error.</param>
    /// <param name="schemaMissing">True when the store answered but its tables do not exist yet (migrations not applied).</param>
    public JobStoreException(string message, Exception? innerException = null, bool schemaMissing = false)
        : base(message, innerException)
    {
        SchemaMissing = schemaMissing;
    }

    /// <summary>True when the store answered but its tables do not exist yet: `jobrunners migrate` or MigrateOnStartup fixes it.</summary>
    public bool SchemaMissing { get; }
}
