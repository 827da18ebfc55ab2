using System.Text.Json.Serialization;

namespace JobRunners.Scheduling;

/// <summary>
/// How a recurring job's run times are computed. Stored lower-case in the <c>kind</c> column; in JSON it is the member
/// name (<c>"Cron"</c>), read back whatever its case.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleKind>))]
public enum ScheduleKind
{
    /// <summary>Every fixed interval, on a grid that starts at the first run.</summary>
    Interval,

    /// <summary>A cron expression evaluated in a time zone.</summary>
    Cron,

    /// <summary>A next-run function defined in code; only processes that register it can compute its runs.</summary>
    Code,
}
