namespace JobRunners.Scheduling;

/// <summary>
/// Stands in for the schedule store when the job store was replaced with <c>UseStore</c> and no schedule store
/// matches it: the scheduler stays idle, and any use of recurring jobs fails with what to do.
/// </summary>
internal sealed class MissingScheduleStore : IScheduleStore
{
    private readonly string _jobStore;

    public MissingScheduleStore(string jobStore)
    {
        _jobStore = jobStore;
    }

    public string Name => "none";

    public ValueTask MigrateAsync(CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<ScheduleUpsertResult> UpsertAsync(ScheduleDefinition definition, CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<JobSchedule?> GetAsync(string tag, CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<IReadOnlyList<JobSchedule>> ListAsync(CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<bool> SetPausedAsync(string tag, bool paused, CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<bool> DeleteAsync(string tag, CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<IReadOnlyList<JobSchedule>> ListDueAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<bool> TryClaimRunAsync(ScheduleClaim claim, CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<bool> CompleteRunAsync(string tag, DateTimeOffset dueAt, long? jobId, string? failure, CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<long?> FindJobByUniqueKeyAsync(string jobType, string uniqueKey, CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<bool> TryAcquireLeaseAsync(string holder, TimeSpan duration, CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<bool> ReleaseLeaseAsync(string holder, CancellationToken cancellationToken = default) => throw Missing();

    public ValueTask<SchedulerLease?> GetLeaseAsync(CancellationToken cancellationToken = default) => throw Missing();

    private JobStoreException Missing() => new(
        $"Recurring jobs need a schedule store in the job store's database, and the job store ({_jobStore}) was set with UseStore: " +
        "give its schedule store too, with UseStore(jobStore, scheduleStore) or UseScheduleStore(...) in AddJobRunners " +
        "(UseSqlite() and UsePostgreSql() choose both).");
}
