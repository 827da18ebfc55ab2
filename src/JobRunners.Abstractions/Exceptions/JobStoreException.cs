namespace JobRunners;

/// <summary>The job store cannot be used as configured (unreachable, or its schema is missing or too old).</summary>
public sealed class JobStoreException : JobRunnerException
{
    /// <summary>Creates the exception.</summary>
    public JobStoreException(string message, Exception? innerException = null) : base(message, innerException) { }
}
