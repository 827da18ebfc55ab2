using JobRunners.Scheduling;

namespace JobRunners.Extensibility;

/// <summary>Conversions between <see cref="ScheduleKind"/> and its stored text.</summary>
public static class ScheduleKindExtensions
{
    /// <summary>The stored form: <c>interval</c>, <c>cron</c> or <c>code</c>.</summary>
    public static string ToStoredValue(this ScheduleKind kind) => kind switch
    {
        ScheduleKind.Interval => "interval",
        ScheduleKind.Cron => "cron",
        ScheduleKind.Code => "code",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown schedule kind."),
    };

    /// <summary>Parses a stored kind (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The text is not a schedule kind.</exception>
    public static ScheduleKind ParseScheduleKind(string value) => value?.ToUpperInvariant() switch
    {
        "INTERVAL" => ScheduleKind.Interval,
        "CRON" => ScheduleKind.Cron,
        "CODE" => ScheduleKind.Code,
        _ => throw new ArgumentException($"'{value}' is not a schedule kind; use interval, cron or code.", nameof(value)),
    };
}
