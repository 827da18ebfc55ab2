namespace JobRunners;

/// <summary>What a queue worker should do with a message after <see cref="JobExecutor.ExecuteEnvelopeAsync(string, CancellationToken)"/>.</summary>
/// <param name="Action">Delete, retry later, or park the message.</param>
/// <param name="RetryAt">For <see cref="MessageAction.RetryLater"/>: when the message should be visible again (null: let the queue's own visibility timeout decide).</param>
/// <param name="Reason">For retries and parking: what went wrong, for logs and dead-letter attributes.</param>
/// <param name="Execution">For job envelopes: the executor's outcome.</param>
public readonly record struct EnvelopeOutcome(MessageAction Action, DateTimeOffset? RetryAt = null, string? Reason = null, ExecutionOutcome? Execution = null);
