namespace JobRunners.Extensibility;

/// <summary>How <see cref="JobExecutor"/> runs one job.</summary>
/// <param name="IgnoreRunAt">Run even when the row is not yet due (the synchronous runner's back-to-back retries).</param>
/// <param name="ReturnRetriesToOutbox">
/// When the attempt is retried or released, clear the row's <c>dispatched_at</c> so the outbox hands it to the
/// runner again once due. For runners where nothing else would redeliver it (a direct Lambda invoke).
/// </param>
public readonly record struct JobExecutionOptions(bool IgnoreRunAt = false, bool ReturnRetriesToOutbox = false);
