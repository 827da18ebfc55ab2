namespace JobRunners.PostgreSql;

/// <summary>What one worker asks <see cref="PostgreSqlJobStore.ReserveAsync"/> for.</summary>
/// <param name="WorkerId">The worker reserving; written to <c>locked_by</c> and required by the claim that follows.</param>
/// <param name="Runner">Only rows whose <c>runner</c> is this.</param>
/// <param name="JobTypes">Only rows of these job types (task rows included by their stored type).</param>
/// <param name="Queues">Only rows of these queues; null for any queue.</param>
/// <param name="Limit">At most this many rows.</param>
/// <param name="ReservedFor">How long other workers' fetches skip the rows if this worker never claims them.</param>
internal sealed record QueueReservation(
    string WorkerId,
    string Runner,
    IReadOnlyList<string> JobTypes,
    IReadOnlyList<string>? Queues,
    int Limit,
    TimeSpan ReservedFor);
