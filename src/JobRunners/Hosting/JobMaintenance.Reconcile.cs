using JobRunners.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Extensibility;

/// <content>
/// The reconciler: the row is the one authority, so a queued row nobody will claim is sent again through this
/// process's runner. Three kinds, found by what the runner says about itself, not by its type:
/// <list type="bullet">
/// <item><b>Lost messages</b> (<see cref="JobTransportTraits.MessagesCanBeLost"/>): a row marked dispatched, due and
/// unclaimed for <see cref="JobRunnersOptions.RedeliverAfter"/>; its message was lost, purged, expired or
/// dead-lettered.</item>
/// <item><b>Hidden retries</b> (<see cref="JobTransportTraits.SendsOnlyDueRows"/>): a row marked dispatched before it was
/// due was marked by a late write after a fast worker had already handed its retry back; sent as soon as due.</item>
/// <item><b>Adoption</b> (<see cref="JobRunnersOptions.AdoptOtherRunners"/>): a queued row another runner accepted
/// (a switch of <c>JOB_RUNNER</c> left its message on a backend nobody reads). Sent once the active runner can hold
/// it (at once where it holds delays natively, else when due) and marked as this runner's. Undispatched rows of any
/// runner are the outbox's already.</item>
/// </list>
/// </content>
public sealed partial class JobMaintenance
{
    private async ValueTask<(int Redelivered, int Adopted)> ReconcileAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var redelivered = 0;
        if (_runner.Traits.SendsOnlyDueRows)
        {
            var (sent, refused) = await SendEachPageAsync(new QueuedQuery { Runner = _runner.Name, DueBy = now, DispatchedBeforeDue = true }, "was marked dispatched before it was due (a retry hidden by a late dispatch mark)", HostingLog.HiddenRetriesResent, cancellationToken).ConfigureAwait(false);
            redelivered += sent;
            if (refused)
            {
                return (redelivered, 0);
            }
        }

        if (_runner.Traits.MessagesCanBeLost && _options.RedeliverAfter > TimeSpan.Zero)
        {
            var (sent, refused) = await SendEachPageAsync(new QueuedQuery { Runner = _runner.Name, UnclaimedSince = now - _options.RedeliverAfter }, $"was sent but stayed unclaimed for {_options.RedeliverAfter} (its message was lost, purged, expired or dead-lettered)", HostingLog.LostMessagesResent, cancellationToken).ConfigureAwait(false);
            redelivered += sent;
            if (refused)
            {
                return (redelivered, 0);
            }
        }

        return (redelivered, _options.AdoptOtherRunners ? await AdoptAsync(now, cancellationToken).ConfigureAwait(false) : 0);
    }

    private async ValueTask<(int Sent, bool Refused)> SendEachPageAsync(QueuedQuery query, string reason, Action<ILogger, int, string, string, string> logSent, CancellationToken cancellationToken)
    {
        var total = new List<JobRequest>();
        var refused = false;
        await foreach (var page in PagesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            var (sent, error) = await SendAsync(page, cancellationToken).ConfigureAwait(false);
            total.AddRange(sent);
            if (error is not null)
            {
                refused = true;
                break;
            }
        }

        if (total.Count > 0)
        {
            logSent(_logger, total.Count, _runner.Name, reason, Describe(total));
        }

        return (total.Count, refused);
    }

    private async ValueTask<int> AdoptAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limit = _runner.Traits.MaxNativeDelay;
        var query = new QueuedQuery
        {
            NotRunner = _runner.Name,
            DispatchedOnly = true,
            JobTypes = [.. _registry.JobNames],
            DueBy = limit == TimeSpan.MaxValue ? null : now + limit,
        };
        var bySource = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await foreach (var page in PagesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            var (sent, refused) = await SendAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (var row in sent)
            {
                var source = row.Runner ?? "(none)";
                bySource[source] = bySource.GetValueOrDefault(source) + 1;
            }

            if (refused is not null)
            {
                break;
            }
        }

        foreach (var (source, count) in bySource)
        {
            HostingLog.JobsAdopted(_logger, count, source, _runner.Name);
        }

        return bySource.Values.Sum();
    }

    /// <summary>The first ids and types, enough to find the rows without flooding the log.</summary>
    private static string Describe(List<JobRequest> rows) =>
        string.Join(", ", rows.Take(10).Select(r => $"{r.Id} ({r.JobType})")) + (rows.Count > 10 ? $" and {rows.Count - 10} more" : "");

    /// <summary>Every page of rows the query finds, oldest first.</summary>
    private async IAsyncEnumerable<IReadOnlyList<JobRequest>> PagesAsync(QueuedQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await _store.ListQueuedAsync(query, cancellationToken).ConfigureAwait(false);
            if (page.Count > 0)
            {
                yield return page;
            }

            if (page.Count < query.Limit)
            {
                yield break;
            }

            query = query with { AfterId = page[^1].Id };
        }
    }
}
