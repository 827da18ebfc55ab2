namespace JobRunners.Scheduling;

/// <summary>
/// Settings of the recurring scheduler, bound from <c>JobRunners:Scheduler</c>
/// (environment: <c>JobRunners__Scheduler__Lease</c> and so on).
/// </summary>
public sealed class RecurringSchedulerOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "JobRunners:Scheduler";

    /// <summary>
    /// Run the scheduler in this process (default true). Every process with it enabled competes for leadership and
    /// exactly one dispatches; turn it off in processes that should never dispatch recurring runs.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long leadership lasts without renewal (default 15 s): when the leader dies, another process takes over
    /// within this time.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// While runs are due: how often the scheduler renews or tries to take the lease and dispatches them (default
    /// 1 s). With nothing due it sleeps until the next run instead.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest an idle scheduler sleeps before it looks at the store again (default 30 s): the delay before it
    /// sees a schedule created or changed by another process (say <c>jobrunners schedules create</c>). Changes made
    /// in this process wake it at once.
    /// </summary>
    public TimeSpan IdleCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How far back a late scheduler catches up (default 1 minute): every run due within this window before now is
    /// dispatched, each once, oldest first, so sub-second intervals, slow rounds and a leader's failover (which takes
    /// up to <see cref="Lease"/>) lose no run. Runs older than the window (the scheduler was down, or the schedule
    /// paused) are skipped: the oldest missed run is dispatched and stands for them. Zero dispatches one run for
    /// any number missed. Keep it above <see cref="Lease"/> so a failover never merges runs.
    /// </summary>
    public TimeSpan CatchUpWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many schedules are handled per round (default 100); the rest wait for the next round.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>This process's identity in the lease; default <see cref="JobRunnersOptions.WorkerId"/>. Must differ between processes.</summary>
    public string? HolderId { get; set; }

    /// <summary>Every problem with the settings, for startup validation.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Lease < TimeSpan.FromMilliseconds(300))
        {
            problems.Add($"{SectionName}:Lease must be at least 300 ms (got {Lease}).");
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval.Ticks * 3 > Lease.Ticks)
        {
            problems.Add($"{SectionName}:PollInterval must be positive and at most a third of Lease ({Lease}) so the leader renews in time; got {PollInterval}.");
        }

        if (IdleCheckInterval < PollInterval)
        {
            problems.Add($"{SectionName}:IdleCheckInterval must be at least PollInterval ({PollInterval}); got {IdleCheckInterval}.");
        }

        if (CatchUpWindow < TimeSpan.Zero || CatchUpWindow > TimeSpan.FromDays(1))
        {
            problems.Add($"{SectionName}:CatchUpWindow must be between 00:00:00 and 1.00:00:00 (got {CatchUpWindow}); the default 00:01:00 keeps every run through a failover.");
        }

        if (BatchSize is < 1 or > 10_000)
        {
            problems.Add($"{SectionName}:BatchSize must be between 1 and 10000 (got {BatchSize}).");
        }

        if (HolderId is not null && string.IsNullOrWhiteSpace(HolderId))
        {
            problems.Add($"{SectionName}:HolderId must not be blank; leave it unset to use JobRunners:WorkerId.");
        }

        return problems;
    }
}
