namespace JobRunners.Extensibility;

/// <summary>A row the backend accepted, for <see cref="IJobStore.MarkDispatchedAsync"/>.</summary>
/// <param name="Id">The row.</param>
/// <param name="SentAtAttempts">
/// The row's attempts when it was sent: a row queued again with more attempts than that (a fast worker already ran
/// and retried it, perhaps handing it back to the outbox) is left as it is, so a late mark cannot hide the retry.
/// </param>
public readonly record struct JobDispatchMark(long Id, int SentAtAttempts);
