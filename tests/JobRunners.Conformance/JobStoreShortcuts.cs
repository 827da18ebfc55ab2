
namespace JobRunners.Conformance;

/// <summary>One-row forms of the store's batch calls, for tests that play a worker by hand.</summary>
public static class JobStoreShortcuts
{
    /// <summary>Claims one row for <paramref name="workerId"/>; the claimed row, or null when it was not claimed.</summary>
    public static async Task<JobRequest?> ClaimOneAsync(this IJobStore store, long id, string workerId, TimeSpan lease, bool ignoreRunAt = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        var claimed = await store.ClaimAsync(new JobClaimRequest { WorkerId = workerId, Lease = lease, Ids = [id], IgnoreRunAt = ignoreRunAt }).ConfigureAwait(false);
        return claimed.Count == 0 ? null : claimed[0];
    }

    /// <summary>Writes how one attempt ended; true when the lease was still held and the row was written.</summary>
    public static async Task<bool> CompleteOneAsync(this IJobStore store, long id, string lockedBy, JobOutcome outcome, bool returnToOutbox = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        var written = await store.CompleteAsync([new JobCompletion(id, lockedBy, outcome) { ReturnToOutbox = returnToOutbox }]).ConfigureAwait(false);
        return written.Count == 1;
    }
}
