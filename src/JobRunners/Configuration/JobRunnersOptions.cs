using System.Text.Json;

namespace JobRunners;

/// <summary>
/// Settings shared by every runner, bound from the <c>JobRunners</c> configuration section
/// (environment: <c>JobRunners__Lease</c> and so on).
/// </summary>
public sealed class JobRunnersOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "JobRunners";

    /// <summary>The runner to use; <c>JOB_RUNNER</c> sets the same (default <c>in-process</c>).</summary>
    public string? Runner { get; set; }

    /// <summary>The retry policy for job types that do not set their own.</summary>
    public RetryPolicy Retry { get; set; } = new();

    /// <summary>How long a worker's claim on a row lasts without a heartbeat (default 30 s).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running job's lease is extended; default a third of <see cref="Lease"/>.</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>How long finished rows are kept before pruning (default 7 days; zero keeps none).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often maintenance runs: lease rescue, outbox re-send and pruning (default 15 s).</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How old an undispatched row must be before the outbox re-sends it (default 30 s), so an in-flight dispatch can finish.</summary>
    public TimeSpan OutboxGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a job handed to a broker (SQS, Azure, Lambda) may stay due and unclaimed before maintenance sends it
    /// again (default 15 minutes; zero turns this off). Covers messages the backend lost, purged, expired or
    /// dead-lettered; a duplicate is harmless, since only the worker that wins the row's claim runs it. Keep it
    /// longer than a backlog usually takes to drain, or each round adds duplicates to it.
    /// </summary>
    public TimeSpan RedeliverAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Hand queued jobs that another runner accepted (rows left behind by a switch of <c>JOB_RUNNER</c>) to this
    /// process's runner (default true). Turn it off only when processes with different runners share one store on
    /// purpose.
    /// </summary>
    public bool AdoptOtherRunners { get; set; } = true;

    /// <summary>Apply store migrations when the host starts (default true).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>This process's worker id, written to <c>locked_by</c>; default host:pid:random.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The JSON settings for payloads (default: web defaults, camelCase).</summary>
    public JsonSerializerOptions Json { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Traces and metrics (<c>JobRunners:Telemetry</c>).</summary>
    public TelemetryOptions Telemetry { get; set; } = new();

    internal TimeSpan EffectiveHeartbeat => HeartbeatInterval ?? TimeSpan.FromTicks(Lease.Ticks / 3);

    /// <summary>Every problem with the settings, for startup validation.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>(Retry.Validate($"{SectionName}:Retry"));
        if (Lease < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{SectionName}:Lease must be at least 1 second (got {Lease}).");
        }

        if (EffectiveHeartbeat <= TimeSpan.Zero || EffectiveHeartbeat >= Lease)
        {
            problems.Add($"{SectionName}:HeartbeatInterval must be positive and shorter than Lease ({Lease}); got {EffectiveHeartbeat}.");
        }

        if (Retention < TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:Retention must not be negative (got {Retention}).");
        }

        if (MaintenanceInterval <= TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:MaintenanceInterval must be positive (got {MaintenanceInterval}).");
        }

        if (OutboxGrace < TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:OutboxGrace must not be negative (got {OutboxGrace}).");
        }

        if (RedeliverAfter < TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:RedeliverAfter must not be negative; zero turns re-sending of lost messages off (got {RedeliverAfter}).");
        }

        if (Telemetry.QueueStatsInterval <= TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:Telemetry:QueueStatsInterval must be positive (got {Telemetry.QueueStatsInterval}).");
        }

        if (string.IsNullOrWhiteSpace(WorkerId))
        {
            problems.Add($"{SectionName}:WorkerId must not be empty.");
        }

        return problems;
    }
}
