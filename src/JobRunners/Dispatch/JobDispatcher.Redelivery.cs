
namespace JobRunners;

/// <content>Rows maintenance hands over again: the outbox's and the reconciler's one batch path.</content>
internal sealed partial class JobDispatcher
{
    /// <summary>
    /// Hands existing queued rows to the transport again (the outbox and the reconciler), in one batch call where the
    /// backend has one, and marks the accepted ones dispatched by this runner in one write. Returns one entry per
    /// row: null where it was accepted, the error where it was not. Where the row is the queue
    /// (<see cref="JobTransportTraits.AcceptsOnWrite"/>), the mark comes first, so a worker woken by the send finds the
    /// row as its own.
    /// </summary>
    public async ValueTask<IReadOnlyList<Exception?>> RedispatchManyAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
        {
            return [];
        }

        if (_acceptsOnWrite)
        {
            await _store.MarkDispatchedAsync(jobs.Select(j => new JobDispatchMark(j.Id, j.Attempts)).ToList(), Name, cancellationToken).ConfigureAwait(false);
        }

        var errors = await _transport.SendJobsAsync(jobs, redelivery: true, cancellationToken).ConfigureAwait(false);
        if (!_acceptsOnWrite)
        {
            var accepted = jobs.Where((_, i) => errors[i] is null).Select(j => new JobDispatchMark(j.Id, j.Attempts)).ToList();
            if (accepted.Count > 0)
            {
                await _store.MarkDispatchedAsync(accepted, Name, cancellationToken).ConfigureAwait(false);
            }
        }

        return errors;
    }
}
