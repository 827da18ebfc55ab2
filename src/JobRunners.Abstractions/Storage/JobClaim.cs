namespace JobRunners.Storage;

/// <summary>Who claims a row, and for how long.</summary>
/// <param name="WorkerId">The claiming worker, written to <c>locked_by</c>.</param>
/// <param name="Lease">How long the lease lasts before a heartbeat must extend it.</param>
/// <param name="IgnoreRunAt">Claim even when the row is not yet due (the synchronous runner's back-to-back retries).</param>
public readonly record struct JobClaim(string WorkerId, TimeSpan Lease, bool IgnoreRunAt = false);
