namespace JobRunners;

/// <summary>
/// A dispatch was refused before anything was written: one of its values (the payload's text, the unique key, the
/// delay or run time) cannot be stored. <see cref="Field"/> names it; the message says the limit.
/// </summary>
public sealed class InvalidDispatchException : JobRunnerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The value at fault, e.g. <c>DispatchOptions.UniqueKey</c> or <c>payload.name</c>.</param>
    /// <param name="message">What is wrong and what to do.</param>
    public InvalidDispatchException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    /// <summary>The value at fault, e.g. <c>DispatchOptions.UniqueKey</c>, <c>DispatchOptions.Delay</c> or <c>payload.name</c>.</summary>
    public string Field { get; }
}
