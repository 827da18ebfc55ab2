using JobRunners.Scheduling;

namespace JobRunners.Extensibility;

/// <summary>The schedule after <see cref="IScheduleStore.UpsertAsync"/>.</summary>
/// <param name="Schedule">The schedule as stored.</param>
/// <param name="Created">True when no schedule had the tag before.</param>
public readonly record struct ScheduleUpsertResult(JobSchedule Schedule, bool Created);
