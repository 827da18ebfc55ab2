using JobRunners.Scheduling;

namespace JobRunners.Extensibility;

/// <summary>A leader's claim on one due run of a schedule, for <see cref="IScheduleStore.TryClaimRunAsync"/>.</summary>
/// <param name="Tag">The schedule.</param>
/// <param name="DueAt">The run's due time: the <see cref="JobSchedule.NextRunAt"/> the leader read.</param>
/// <param name="NextRunAt">The run after it, or null when the schedule has no more runs.</param>
/// <param name="Holder">The leader; the claim succeeds only while it holds the scheduler lease.</param>
public readonly record struct ScheduleClaim(string Tag, DateTimeOffset DueAt, DateTimeOffset? NextRunAt, string Holder);
