namespace JobRunners.Scheduling;

/// <summary>How a recurring job's run times are computed. Stored lower-case in the <c>kind</c> column.</summary>
public enum ScheduleKind
{
    /// <summary>Every fixed interval, on a grid that starts at the first run.</summary>
    Interval,

    /// <summary>A cron expression evaluated in a time zone.</summary>
    Cron,

    /// <summary>A next-run function defined in code; only processes that register it can compute its runs.</summary>
    Code,
}
