using JobRunners.Storage;

namespace JobRunners;

/// <summary>What the reconciler needs to know about a runner, and the batch re-send it uses.</summary>
public abstract partial class JobRunnerBase
{
    /// <summary>
    /// True when a job handed to the backend can vanish while its row stays queued and marked dispatched: a broker
    /// may lose, purge, expire or dead-letter a message, Lambda may discard an invocation. The reconciler then sends
    /// a row again once it has been due and unclaimed for <see cref="JobRunnersOptions.RedeliverAfter"/>. False for
    /// runners whose workers find queued rows in the store themselves. Default: true unless
    /// <see cref="AcceptsOnWrite"/> or <see cref="SendsOnWrite"/>.
    /// </summary>
    protected internal virtual bool MessagesCanBeLost => !AcceptsOnWrite && !SendsOnWrite;

    /// <summary>
    /// True when every send is of a due row and every retry comes back through the outbox (a direct Lambda invoke).
    /// A queued row marked dispatched before its <c>run_at</c> was then marked by a late write that hid a retry, and
    /// the reconciler sends it as soon as it is due. Default false.
    /// </summary>
    protected internal virtual bool SendsOnlyDueRows => false;

    /// <summary>The longest delay the backend holds by itself (see <see cref="MaxNativeDelay"/>).</summary>
    internal TimeSpan NativeDelayLimit => MaxNativeDelay;

    /// <summary>
    /// Sends rows handed over again by maintenance (rescued after a dead worker, never accepted, or lost). The default
    /// sends them as new ones (<see cref="SendJobsAsync"/>); a runner whose backend can put them ahead of its backlog
    /// overrides this, so a rescued attempt keeps its row's place.
    /// </summary>
    protected virtual ValueTask<IReadOnlyList<Exception?>> ResendJobsAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken) =>
        SendJobsAsync(jobs, cancellationToken);

    /// <summary>
    /// Hands existing queued rows to the backend again (the outbox and the reconciler), in one batch call where the
    /// backend has one, and marks the accepted ones dispatched by this runner in one write. Returns one entry per
    /// row: null where it was accepted, the error where it was not. Where the row is the queue
    /// (<see cref="AcceptsOnWrite"/>), the mark comes first, so a worker woken by the send finds the row as its own.
    /// </summary>
    public virtual async ValueTask<IReadOnlyList<Exception?>> RedispatchManyAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
        {
            return [];
        }

        var rowIsQueue = AcceptsOnWrite || SendsOnWrite;
        if (rowIsQueue)
        {
            await Services.Store.MarkDispatchedAsync(jobs.Select(j => new JobDispatchMark(j.Id, j.Attempts)).ToList(), Name, cancellationToken).ConfigureAwait(false);
        }

        var errors = await ResendJobsAsync(jobs, cancellationToken).ConfigureAwait(false);
        if (!rowIsQueue)
        {
            var accepted = jobs.Where((_, i) => errors[i] is null).Select(j => new JobDispatchMark(j.Id, j.Attempts)).ToList();
            if (accepted.Count > 0)
            {
                await Services.Store.MarkDispatchedAsync(accepted, Name, cancellationToken).ConfigureAwait(false);
            }
        }

        return errors;
    }
}
