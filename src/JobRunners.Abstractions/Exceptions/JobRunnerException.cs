namespace JobRunners;

/// <summary>The base of every error JobRunners raises. Messages say what to fix.</summary>
public class JobRunnerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobRunnerException() { }

    /// <summary>Creates the exception with a message.</summary>
    public JobRunnerException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public JobRunnerException(string message, Exception? innerException) : base(message, innerException) { }
}
