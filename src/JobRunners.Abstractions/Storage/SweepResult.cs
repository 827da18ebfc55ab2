namespace JobRunners.Extensibility;

/// <summary>What <see cref="IJobStore.SweepAsync"/> did and found.</summary>
/// <param name="Rescued">Rows whose lease had lapsed: queued again (undispatched) or failed when no attempts remained.</param>
/// <param name="Undispatched">Queued, due rows the backend never accepted, oldest first, for the outbox to send.</param>
public sealed record SweepResult(IReadOnlyList<JobRequest> Rescued, IReadOnlyList<JobRequest> Undispatched);
