using JobRunners.Scheduling;

namespace JobRunners.Cli.Commands;

/// <content>
/// `schedules update` without --job or --payload: the timing, limits and options of any stored schedule change
/// straight in the schedule store, so the application's own schedules can be changed without their job types.
/// </content>
internal static partial class SchedulesCommand
{
    private static async Task<int> UpdateStoredAsync(IScheduleStore store, string tag, StoredChange change, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await store.GetAsync(tag, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                return await NotFoundAsync(tag).ConfigureAwait(false);
            }

            var timing = TimingFrom(change.Every, change.Cron, change.Zone, existing);
            var maxExecutions = change.MaxExecutions ?? existing.MaxExecutions;
            var maxAttempts = change.MaxAttempts ?? existing.MaxAttempts;
            var queueName = change.Queue ?? existing.QueueName;
            if (maxExecutions < 0 || maxAttempts < 1 || queueName is not null && string.IsNullOrWhiteSpace(queueName))
            {
                throw new InvalidScheduleException("--max-executions must be 0 (no limit) or more, --max-attempts at least 1, and --queue not blank.");
            }

            var startAt = ParseStart(change.StartAt) ?? existing.StartAt;
            var now = TimeProvider.System.GetUtcNow();
            var first = timing.FirstRun(now, startAt)
                ?? throw new InvalidScheduleException($"'{tag}' would never run: {timing} has no time after {(startAt > now ? startAt : now):O}.");
            var saved = (await store.UpsertAsync(
                new ScheduleDefinition
                {
                    Tag = tag,
                    JobType = existing.JobType,
                    Payload = existing.Payload,
                    Kind = timing.Kind,
                    Interval = timing.Interval,
                    Cron = timing.Expression,
                    TimeZone = timing.TimeZone,
                    StartAt = startAt is { } start ? new DateTimeOffset(start.UtcTicks - (start.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero) : null,
                    NextRunAt = first,
                    MaxExecutions = maxExecutions,
                    NoOverlap = change.NoOverlap ?? existing.NoOverlap,
                    QueueName = queueName,
                    Priority = change.Priority ?? existing.Priority,
                    MaxAttempts = maxAttempts,
                },
                cancellationToken).ConfigureAwait(false)).Schedule;
            await Console.Out.WriteLineAsync($"Recurring job {saved.Tag} updated: {saved.JobType}, {Timing(saved)}, next run {When(saved.NextRunAt)}{(saved.Paused ? " (paused)" : "")}.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (JobRunnerException ex) when (ex is not JobStoreException)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }

    private sealed record StoredChange(
        string? Every, string? Cron, string? Zone, int? MaxExecutions, bool? NoOverlap, string? StartAt, string? Queue, int? Priority, int? MaxAttempts);
}
