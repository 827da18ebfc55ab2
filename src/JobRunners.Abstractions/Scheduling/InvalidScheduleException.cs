namespace JobRunners;

/// <summary>
/// A recurring job definition is invalid: a malformed cron expression, an unknown time zone, a non-positive interval,
/// a bad limit or tag. Raised when the schedule is defined, never later at run time.
/// </summary>
public sealed class InvalidScheduleException : JobRunnerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The parser's error, when there is one.</param>
    public InvalidScheduleException(string message, Exception? innerException = null) : base(message, innerException) { }
}
