namespace JobRunners.Extensibility;

/// <summary>A message on a queue is not a JobRunners envelope. Workers park such messages instead of crashing.</summary>
public sealed class MalformedEnvelopeException : JobRunnerException
{
    /// <summary>Creates the exception with the reason.</summary>
    public MalformedEnvelopeException(string reason, Exception? innerException = null)
        : base($"Malformed job message: {reason}.", innerException)
    {
        Reason = reason;
    }

    /// <summary>What is wrong with the message.</summary>
    public string Reason { get; }
}
