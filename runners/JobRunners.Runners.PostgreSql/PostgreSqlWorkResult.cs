namespace JobRunners.Runners.PostgreSql;

/// <summary>What <see cref="PostgreSqlWorkerRunner.RunOnceAsync"/> or <see cref="PostgreSqlWorkerRunner.DrainAsync"/> did.</summary>
public sealed record PostgreSqlWorkResult
{
    /// <summary>Job attempts started (claims won).</summary>
    public int JobsRun { get; init; }

    /// <summary>Job attempts that succeeded.</summary>
    public int JobsSucceeded { get; init; }

    /// <summary>Job attempts that failed with a retry scheduled (not due yet, so not run again by the same call).</summary>
    public int JobsRetried { get; init; }

    /// <summary>Job attempts that ended the job without success: failed with no attempts left, or cancelled.</summary>
    public int JobsFailed { get; init; }

    /// <summary>Task attempts started.</summary>
    public int TasksRun { get; init; }

    /// <summary>Task attempts that failed (retried later, or kept as a failed row once no attempts remain).</summary>
    public int TasksFailed { get; init; }

    /// <summary>Job and task attempts started.</summary>
    public int Total => JobsRun + TasksRun;

    internal PostgreSqlWorkResult Add(JobRequest row, JobOutcome? outcome)
    {
        if (outcome is not { Ran: true } ran)
        {
            return this;
        }

        if (TaskRows.IsTask(row.JobType))
        {
            return this with
            {
                TasksRun = TasksRun + 1,
                TasksFailed = TasksFailed + (ran.Kind is JobOutcomeKind.Retry or JobOutcomeKind.Failed ? 1 : 0),
            };
        }

        return this with
        {
            JobsRun = JobsRun + 1,
            JobsSucceeded = JobsSucceeded + (ran.Kind == JobOutcomeKind.Succeeded ? 1 : 0),
            JobsRetried = JobsRetried + (ran.Kind == JobOutcomeKind.Retry ? 1 : 0),
            JobsFailed = JobsFailed + (ran.Kind is JobOutcomeKind.Failed or JobOutcomeKind.Cancelled ? 1 : 0),
        };
    }
}
