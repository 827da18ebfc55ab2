using JobRunners.Scheduling;

namespace JobRunners.Extensibility;

/// <summary>Who leads the recurring scheduler, as stored in the <c>scheduler_lease</c> row.</summary>
/// <param name="Holder">The leading process's holder id.</param>
/// <param name="AcquiredAt">When the holder took the lease (UTC); renewals keep it.</param>
/// <param name="ExpiresAt">When another process may take over unless the holder renews (UTC).</param>
public sealed record SchedulerLease(string Holder, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt);
