namespace JobRunners;

/// <summary>What a queue worker does with a message once it was handled.</summary>
public enum MessageAction
{
    /// <summary>Done (or a duplicate, or final in its row): delete the message.</summary>
    Delete,

    /// <summary>Offer the message again later (job retry backoff, not yet due, queue locked, or a failed task).</summary>
    RetryLater,

    /// <summary>The message can never be handled (malformed, unknown task): move it to the dead-letter / poison queue.</summary>
    Park,
}
