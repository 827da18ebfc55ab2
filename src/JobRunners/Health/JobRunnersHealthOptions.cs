namespace JobRunners;

/// <summary>
/// Thresholds of the JobRunners health checks (<c>AddHealthChecks().AddJobRunners()</c>), bound from
/// <c>JobRunners:Health</c>.
/// </summary>
public sealed class JobRunnersHealthOptions
{
    /// <summary>The configuration section the thresholds bind from.</summary>
    public const string SectionName = "JobRunners:Health";

    /// <summary>
    /// <c>jobrunners-backlog</c> is Degraded when a queue's oldest due job has waited longer than this (default
    /// 5 minutes): the workers do not keep up, or none runs.
    /// </summary>
    public TimeSpan MaxOldestDueWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <c>jobrunners-backlog</c> is Degraded when a due row has waited longer than this for its backend to accept it
    /// (the outbox; default 5 minutes): the backend refuses sends, or maintenance does not run.
    /// </summary>
    public TimeSpan MaxOutboxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <c>jobrunners-worker</c> is Unhealthy when a polling worker loop of this process has not begun a round for
    /// longer than this (default 2 minutes, above the longest idle wait of the shipped workers: the postgres
    /// runner's 30-second poll while it listens, SQS's 20-second long poll).
    /// </summary>
    public TimeSpan MaxWorkerPollAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Every problem with the thresholds, one sentence each.</summary>
    internal IEnumerable<string> Validate()
    {
        if (MaxOldestDueWait <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:MaxOldestDueWait must be positive (got {MaxOldestDueWait}).";
        }

        if (MaxOutboxAge <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:MaxOutboxAge must be positive (got {MaxOutboxAge}).";
        }

        if (MaxWorkerPollAge <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:MaxWorkerPollAge must be positive (got {MaxWorkerPollAge}).";
        }
    }
}
