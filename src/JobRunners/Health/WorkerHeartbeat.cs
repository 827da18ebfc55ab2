using System.Collections.Concurrent;

namespace JobRunners.Extensibility;

/// <summary>
/// When each worker loop of this process last began a round (a receive, a poll, a claim): what the
/// <c>jobrunners-worker</c> health check reads. A worker reaches it through <see cref="JobExecutor.Heartbeat"/>.
/// </summary>
public sealed class WorkerHeartbeat
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, bool Polls)> _beats = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    internal WorkerHeartbeat(TimeProvider time)
    {
        _time = time;
        Since = time.GetUtcNow();
    }

    /// <summary>When this process began counting beats: a worker that never beat is late only a threshold after it.</summary>
    internal DateTimeOffset Since { get; }

    /// <summary>Records that <paramref name="worker"/> began a round now.</summary>
    /// <param name="worker">The loop's name in health reports, such as its queue; no secrets.</param>
    /// <param name="polls">
    /// True (the default) for a loop that asks its backend at least every poll interval, so a beat older than the
    /// health check's threshold means it is stuck. False for a loop that waits on a signal inside this process with
    /// no timeout (the in-process runner's channel): a quiet spell there is not a stuck loop.
    /// </param>
    public void Beat(string worker, bool polls = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(worker);
        _beats[worker] = (_time.GetUtcNow(), polls);
    }

    /// <summary>Every worker that beat at least once, with its last beat.</summary>
    internal IReadOnlyList<(string Worker, DateTimeOffset At, bool Polls)> Snapshot() =>
        [.. _beats.Select(pair => (pair.Key, pair.Value.At, pair.Value.Polls)).OrderBy(beat => beat.Key, StringComparer.Ordinal)];
}
