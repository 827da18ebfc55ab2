using Cronos;

namespace JobRunners.Scheduling;

/// <summary>
/// When a recurring job runs: every fixed interval, by a cron expression in a time zone, or by a next-run function
/// defined in code. Create one with <see cref="Every"/>, <see cref="Cron(string, string?)"/> or <see cref="Custom"/>;
/// each checks its arguments at once, so a bad schedule fails where it is written.
/// </summary>
public sealed class Schedule
{
    private readonly CronExpression? _cron;
    private readonly TimeZoneInfo? _zone;
    private readonly Func<DateTimeOffset, DateTimeOffset?>? _nextRun;

    private Schedule(ScheduleKind kind, TimeSpan? interval, string? expression, CronExpression? cron, string? timeZone, TimeZoneInfo? zone, Func<DateTimeOffset, DateTimeOffset?>? nextRun)
    {
        Kind = kind;
        Interval = interval;
        Expression = expression;
        _cron = cron;
        TimeZone = timeZone;
        _zone = zone;
        _nextRun = nextRun;
    }

    /// <summary>How run times are computed.</summary>
    public ScheduleKind Kind { get; }

    /// <summary>For <see cref="ScheduleKind.Interval"/>: the time between runs.</summary>
    public TimeSpan? Interval { get; }

    /// <summary>For <see cref="ScheduleKind.Cron"/>: the cron expression as written.</summary>
    public string? Expression { get; }

    /// <summary>For <see cref="ScheduleKind.Cron"/>: the time zone id the expression is read in (<c>UTC</c> when none was given).</summary>
    public string? TimeZone { get; }

    /// <summary>
    /// Runs every <paramref name="interval"/> (millisecond precision). Without a start time the first run is one
    /// interval after the schedule is defined; with one, at the start time (or the first interval step after it not
    /// in the past). Later runs stay on that grid.
    /// </summary>
    /// <exception cref="InvalidScheduleException">The interval is shorter than one millisecond.</exception>
    public static Schedule Every(TimeSpan interval)
    {
        if (interval < TimeSpan.FromMilliseconds(1))
        {
            throw new InvalidScheduleException($"A recurring interval must be at least 1 millisecond; got {interval}. Use e.g. TimeSpan.FromMinutes(5) or \"00:05:00\".");
        }

        var whole = TimeSpan.FromMilliseconds(Math.Floor(interval.TotalMilliseconds));
        return new Schedule(ScheduleKind.Interval, whole, null, null, null, null, null);
    }

    /// <summary>
    /// Runs at the times a cron expression names, read in <paramref name="timeZone"/> so that "0 3 * * *" stays at
    /// 03:00 local time across daylight-saving changes (a time skipped by a spring-forward runs at the moment the
    /// clock jumps; a time repeated by a fall-back runs once).
    /// </summary>
    /// <param name="expression">Five fields (minute hour day-of-month month day-of-week), six with seconds first, or a macro such as <c>@daily</c>.</param>
    /// <param name="timeZone">An IANA (<c>Europe/Paris</c>) or Windows time zone id; null or empty for UTC.</param>
    /// <exception cref="InvalidScheduleException">The expression does not parse, or the time zone is unknown.</exception>
    public static Schedule Cron(string expression, string? timeZone = null)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new InvalidScheduleException("A cron expression must not be empty: use five fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\".");
        }

        var text = expression.Trim();
        CronExpression cron;
        try
        {
            var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            cron = CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            throw new InvalidScheduleException(
                $"The cron expression '{text}' is invalid: {ex.Message} Use five fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\" for 03:00 every day, or six with seconds first.",
                ex);
        }

        var zoneId = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim();
        return new Schedule(ScheduleKind.Cron, null, text, cron, zoneId, FindZone(zoneId), null);
    }

    /// <summary>
    /// Runs when <paramref name="nextRun"/> says: given the due time of the previous run (or, for the first run, the
    /// start time or now), it returns the next run's time, later than the time it was given, or null to stop. Only for
    /// schedules defined in code with <c>AddRecurring</c>: the function cannot be stored, so every process that may
    /// lead the scheduler registers it.
    /// </summary>
    public static Schedule Custom(Func<DateTimeOffset, DateTimeOffset?> nextRun)
    {
        ArgumentNullException.ThrowIfNull(nextRun);
        return new Schedule(ScheduleKind.Code, null, null, null, null, null, nextRun);
    }

    /// <summary>
    /// The first run after <paramref name="from"/> by this schedule alone, ignoring start times and limits; null when
    /// there is none. For an interval schedule, <paramref name="from"/> plus the interval.
    /// </summary>
    public DateTimeOffset? GetNextRun(DateTimeOffset from) => Kind switch
    {
        ScheduleKind.Interval => Truncate(from + Interval!.Value),
        ScheduleKind.Cron => Next(from, inclusive: false),
        _ => CallNextRun(from),
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ScheduleKind.Interval => $"every {Interval}",
        ScheduleKind.Cron => $"cron '{Expression}' ({TimeZone})",
        _ => "custom function",
    };

    /// <summary>Rebuilds a stored interval or cron schedule.</summary>
    /// <exception cref="InvalidScheduleException">The stored timing no longer parses (or is a code schedule).</exception>
    internal static Schedule FromStored(JobSchedule schedule) => schedule.Kind switch
    {
        ScheduleKind.Interval => Every(schedule.Interval ?? TimeSpan.Zero),
        ScheduleKind.Cron => Cron(schedule.Cron ?? "", schedule.TimeZone),
        _ => throw new InvalidScheduleException($"Schedule '{schedule.Tag}' uses a next-run function defined in code; only a process that registers it with AddRecurring can compute its runs."),
    };

    /// <summary>
    /// The first run of a schedule defined at <paramref name="now"/>: not before <paramref name="startAt"/>, not in
    /// the past, to the millisecond; null when it never runs. What a stored schedule's next run becomes when its
    /// timing changes.
    /// </summary>
    public DateTimeOffset? FirstRun(DateTimeOffset now, DateTimeOffset? startAt)
    {
        switch (Kind)
        {
            case ScheduleKind.Interval when startAt is null:
                return Truncate(now + Interval!.Value);
            case ScheduleKind.Interval:
                var start = Truncate(startAt.Value);
                return start >= now ? start : StepPast(start, now, inclusive: true);
            case ScheduleKind.Cron:
                return startAt > now ? Next(startAt.Value, inclusive: true) : Next(now, inclusive: false);
            default:
                return CallNextRun(startAt > now ? startAt.Value : now);
        }
    }

    /// <summary>
    /// The run after one due at <paramref name="due"/> and claimed at <paramref name="now"/>: the next scheduled time
    /// after <paramref name="due"/>, so a late round (a slow store, a sub-second interval, a leader's failover)
    /// dispatches every run it missed, one after another. Runs due before <paramref name="now"/> minus
    /// <paramref name="catchUpWindow"/> (a long downtime) are skipped: the run being dispatched stands for them, and the
    /// next is the first at or after the start of the window.
    /// </summary>
    internal DateTimeOffset? NextAfter(DateTimeOffset due, DateTimeOffset now, TimeSpan catchUpWindow)
    {
        var oldest = now - catchUpWindow;
        if (oldest <= due)
        {
            return GetNextRun(due);
        }

        return Kind switch
        {
            ScheduleKind.Interval => StepPast(due, oldest, inclusive: true),
            ScheduleKind.Cron => Next(oldest, inclusive: true) is { } next && next > due ? next : Next(due, inclusive: false),
            _ => CallNextRun(oldest),
        };
    }

    /// <summary>Times are kept to the millisecond so both stores hold exactly the value compared on claim.</summary>
    internal static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    // The first point of the grid anchor + k * interval (k >= 1) at or after (inclusive) or after the limit.
    private DateTimeOffset StepPast(DateTimeOffset anchor, DateTimeOffset limit, bool inclusive)
    {
        var interval = Interval!.Value.Ticks;
        var elapsed = (limit - anchor).Ticks;
        var steps = Math.Max(1, (elapsed / interval) + 1);
        if (inclusive && elapsed > 0 && elapsed % interval == 0)
        {
            steps--;
        }

        return Truncate(anchor + TimeSpan.FromTicks(interval * steps));
    }

    private DateTimeOffset? Next(DateTimeOffset from, bool inclusive) =>
        _cron!.GetNextOccurrence(from.ToUniversalTime(), _zone!, inclusive) is { } next ? Truncate(next) : null;

    private DateTimeOffset? CallNextRun(DateTimeOffset after)
    {
        var next = _nextRun!(after);
        if (next is null)
        {
            return null;
        }

        var truncated = Truncate(next.Value);
        return truncated > after ? truncated
            : throw new InvalidScheduleException($"The next-run function returned {next.Value:O}, which is not after {after:O}; return a later time, or null to stop.");
    }

    private static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new InvalidScheduleException(
                $"The time zone '{id}' is not known on this machine: use an IANA id such as \"Europe/Paris\" or \"America/New_York\" (or a Windows id), or leave it empty for UTC.",
                ex);
        }
    }
}
