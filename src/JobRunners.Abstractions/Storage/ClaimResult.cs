namespace JobRunners.Storage;

/// <summary>The outcome of <see cref="IJobStore.TryClaimAsync"/>.</summary>
/// <param name="Status">How the claim ended.</param>
/// <param name="Job">The row: as claimed, or as found when the claim was refused; null when not found.</param>
public readonly record struct ClaimResult(ClaimStatus Status, JobRequest? Job);
