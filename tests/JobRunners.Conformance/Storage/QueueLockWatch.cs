using System.Collections.Concurrent;

namespace JobRunners.Conformance.Storage;

/// <summary>
/// Checks, for concurrent claimers, that a locking job never runs beside another job of its queue: in each claimed
/// batch, in what the claimers hold (a row counts from its claim's return to its completion's call, which lies
/// inside the time the store has it running), and in snapshots of the running rows.
/// </summary>
internal sealed class QueueLockWatch
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<long, bool>> _held = new(StringComparer.Ordinal);

    /// <summary>Every breach seen, described.</summary>
    public ConcurrentQueue<string> Breaches { get; } = new();

    /// <summary>Records rows one claim returned.</summary>
    public void Claimed(string worker, IReadOnlyList<JobRequest> batch)
    {
        CheckTogether($"the batch claimed by {worker}", batch);
        lock (_gate)
        {
            foreach (var job in batch)
            {
                var queue = HeldIn(job.QueueName);
                if (queue.Count > 0 && (job.LocksQueue || queue.ContainsValue(true)))
                {
                    Breaches.Enqueue($"{worker} claimed row {job.Id} (locks: {job.LocksQueue}) of {job.QueueName} while rows {string.Join(", ", queue.Keys)} ran");
                }

                queue[job.Id] = job.LocksQueue;
            }
        }
    }

    /// <summary>Records rows about to be completed.</summary>
    public void Finishing(IReadOnlyList<JobRequest> batch)
    {
        lock (_gate)
        {
            foreach (var job in batch)
            {
                HeldIn(job.QueueName).Remove(job.Id);
            }
        }
    }

    /// <summary>Checks one snapshot of the running rows.</summary>
    public void CheckRunning(IReadOnlyList<JobRequest> running) => CheckTogether("the running rows", running);

    private void CheckTogether(string what, IReadOnlyList<JobRequest> rows)
    {
        foreach (var queue in rows.GroupBy(j => j.QueueName, StringComparer.Ordinal))
        {
            if (queue.Count() > 1 && queue.Any(j => j.LocksQueue))
            {
                Breaches.Enqueue($"{what} hold a locking job of {queue.Key} with others: rows {string.Join(", ", queue.Select(j => j.Id))}");
            }
        }
    }

    private Dictionary<long, bool> HeldIn(string queue)
    {
        if (!_held.TryGetValue(queue, out var held))
        {
            held = [];
            _held[queue] = held;
        }

        return held;
    }
}
