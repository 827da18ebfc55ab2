using JobRunners.Scheduling;

namespace JobRunners.Extensibility;

/// <summary>Argument checks shared by the schedule store's methods.</summary>
internal static class ScheduleArguments
{
    public static void ValidateDefinition(ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(definition.Tag, nameof(definition));
        ArgumentException.ThrowIfNullOrEmpty(definition.JobType, nameof(definition));
        ArgumentException.ThrowIfNullOrEmpty(definition.Payload, nameof(definition));
        ArgumentOutOfRangeException.ThrowIfNegative(definition.MaxExecutions, nameof(definition));
        if (definition.MaxAttempts is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(definition), definition.MaxAttempts, "MaxAttempts must be at least 1 when set.");
        }

        var consistent = definition.Kind switch
        {
            ScheduleKind.Interval => definition.Interval > TimeSpan.Zero && definition.Cron is null,
            ScheduleKind.Cron => !string.IsNullOrWhiteSpace(definition.Cron) && definition.Interval is null,
            ScheduleKind.Code => definition.Interval is null && definition.Cron is null,
            _ => false,
        };
        if (!consistent)
        {
            throw new ArgumentException(
                $"Schedule '{definition.Tag}' of kind {definition.Kind} needs exactly its own timing: a positive Interval for interval, a Cron expression for cron, neither for code.",
                nameof(definition));
        }
    }

    public static void ValidateClaim(ScheduleClaim claim)
    {
        ArgumentException.ThrowIfNullOrEmpty(claim.Tag, nameof(claim));
        ArgumentException.ThrowIfNullOrEmpty(claim.Holder, nameof(claim));
    }

    public static void ValidateLease(string holder, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
    }
}
