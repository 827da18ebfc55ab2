namespace JobRunners.Extensibility;

/// <summary>
/// Where <see cref="JobRequest"/> rows live. A worker takes rows with one claim statement
/// (<see cref="ClaimAsync"/>), runs them, and writes their outcomes back in batches (<see cref="CompleteAsync"/>).
/// Every write that follows a claim is guarded by the lease holder (<c>lockedBy</c>) and the running status, so a
/// worker that lost its lease cannot overwrite the row. Implementations take the current time from a
/// <see cref="TimeProvider"/>.
/// </summary>
public partial interface IJobStore
{
    /// <summary>The store's kind, such as <c>sqlite</c> or <c>postgres</c>.</summary>
    string Name { get; }

    /// <summary>The store in a few words for messages and health reports, with nothing secret: its kind and its file or schema.</summary>
    string Description => Name;

    /// <summary>Applies pending schema migrations; safe to call concurrently and repeatedly.</summary>
    ValueTask MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Connects and reads the schema version the store holds, against the one this code expects, without migrating
    /// or creating anything: for a health check.
    /// </summary>
    /// <exception cref="JobStoreException">The store cannot be reached or read; the message says what to check.</exception>
    ValueTask<StoreSchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a new queued row. When a row of the same job type (and, with <see cref="NewJobRequest.UniquePerQueue"/>,
    /// the same queue) holds <see cref="NewJobRequest.UniqueKey"/>, writes nothing and returns that row with
    /// <see cref="InsertResult.Created"/> false. A row holds its key while queued or running, and after that until
    /// <see cref="JobRequest.UniqueUntil"/>; a unique index decides, so of concurrent inserts exactly one writes.
    /// </summary>
    /// <exception cref="InvalidDispatchException">
    /// A value cannot be stored (a NUL character, a unique key over 1,000 bytes, a trace context over its length or a
    /// <see cref="NewJobRequest.TraceState"/> without a <see cref="NewJobRequest.TraceParent"/>).
    /// </exception>
    /// <exception cref="JobStoreException">The write failed; <see cref="JobStoreException.RowMayExist"/> says whether it may have happened.</exception>
    ValueTask<InsertResult> InsertAsync(NewJobRequest job, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes many new queued rows in one batch, all or none, and returns one result per row in the order given.
    /// Unique keys behave as in <see cref="InsertAsync"/>, also between rows of the same batch (the first wins), and
    /// values are checked as there, before anything is written.
    /// </summary>
    ValueTask<IReadOnlyList<InsertResult>> InsertManyAsync(IReadOnlyList<NewJobRequest> jobs, CancellationToken cancellationToken = default);

    /// <summary>Reads one row, or null.</summary>
    ValueTask<JobRequest?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Reads the rows with these ids that exist, in no particular order.</summary>
    ValueTask<IReadOnlyList<JobRequest>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default);

    /// <summary>Reads rows, newest first.</summary>
    ValueTask<IReadOnlyList<JobRequest>> ListAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that <paramref name="runner"/>'s backend accepted these rows, in one write. A row queued again
    /// with more attempts than <see cref="JobDispatchMark.SentAtAttempts"/> is left as it is.
    /// </summary>
    ValueTask MarkDispatchedAsync(IReadOnlyList<JobDispatchMark> marks, string runner, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims queued, due rows in one atomic statement: each becomes running under
    /// <see cref="JobClaimRequest.WorkerId"/> with a lease, and counts an attempt. Rows are taken highest priority
    /// first, then earliest <c>run_at</c>, then lowest id. A queue whose locking job runs gives nothing, and a
    /// locking job is taken only when nothing else of its queue runs, also against concurrent claimers. Of several
    /// workers claiming at once, each row goes to exactly one. Returns the claimed rows in claim order; a row not
    /// returned was not claimed (not due, not queued, taken by another worker, or its queue is locked).
    /// </summary>
    ValueTask<IReadOnlyList<JobRequest>> ClaimAsync(JobClaimRequest request, CancellationToken cancellationToken = default);

    /// <summary>Writes progress and, when given, the result message. False when the caller no longer holds the lease.</summary>
    ValueTask<bool> ReportProgressAsync(long id, string lockedBy, int progress, string? message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the lease's end of each row to now + <paramref name="lease"/>, in one write. Returns the ids the
    /// caller still holds; a missing id lost its lease (lapsed and rescued, or cancelled).
    /// </summary>
    ValueTask<IReadOnlyList<long>> ExtendLeasesAsync(IReadOnlyCollection<long> ids, string lockedBy, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes how attempts ended, in one write. Returns the ids written; a missing id's lease was no longer held
    /// by its <see cref="JobCompletion.LockedBy"/>, and nothing was written for it.
    /// </summary>
    ValueTask<IReadOnlyList<long>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken = default);

    /// <summary>Cancels a queued or running row. False when the row is already final or missing.</summary>
    ValueTask<bool> CancelAsync(long id, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds running rows whose lease lapsed (their worker died) and re-queues them to run now, or fails them
    /// when no attempts remain. Re-queued rows get a null <see cref="JobRequest.DispatchedAt"/> so the outbox
    /// hands them to the active runner. Returns the rows changed.
    /// </summary>
    ValueTask<IReadOnlyList<JobRequest>> RescueExpiredLeasesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// One maintenance pass in one round trip where the store can: rescues lapsed leases as
    /// <see cref="RescueExpiredLeasesAsync"/> does, and lists the undispatched rows the outbox must send
    /// (<see cref="SweepRequest.UndispatchedBefore"/>). Rows rescued now are reported as rescued only.
    /// </summary>
    ValueTask<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts queued rows per queue, in one statement, as of the store's clock: how many are queued, how many are
    /// due and since when the oldest has been due, and how many due rows wait for the outbox (no
    /// <see cref="JobRequest.DispatchedAt"/>) and since when. A queue with no queued row is not listed. Reads every
    /// queued row (not finished ones): meant for gauges and health checks, every few seconds at most.
    /// </summary>
    ValueTask<IReadOnlyList<QueueStats>> GetQueueStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads queued rows for the outbox and for runners that adopt work at startup, oldest first.</summary>
    ValueTask<IReadOnlyList<JobRequest>> ListQueuedAsync(QueuedQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes finished rows that finished before <paramref name="finishedBefore"/>: only of <paramref name="jobType"/>
    /// when given, and never of the types in <paramref name="exceptJobTypes"/> (those have retentions of their own).
    /// A row still holding its identity (<see cref="JobRequest.UniqueUntil"/> not reached, or for ever) is kept, so
    /// retention never lets a deduplicated job run again. Returns the count.
    /// </summary>
    ValueTask<int> PruneAsync(DateTimeOffset finishedBefore, string? jobType = null, IReadOnlyCollection<string>? exceptJobTypes = null, CancellationToken cancellationToken = default);
}
