using System.Collections.Concurrent;

namespace JobRunners.Conformance;

/// <summary>What the kit's probe handlers saw, by probe key; shared by every test in the process.</summary>
public static class Probes
{
    private static readonly ConcurrentDictionary<string, int> Runs = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, JobRequest> Observed = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Starts = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Stops = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string?>> Traces = new(StringComparer.Ordinal);

    /// <summary>How many times the probe with this key ran.</summary>
    public static int RunCount(string key) => Runs.GetValueOrDefault(key);

    /// <summary>The row a job handler read back while it was running, or null.</summary>
    public static JobRequest? ObservedRow(string key) => Observed.GetValueOrDefault(key);

    /// <summary>Completes when a holding probe with this key has started and is waiting to be cancelled.</summary>
    public static Task Holding(string key) => StartOf(key).Task;

    /// <summary>Completes when a holding probe with this key saw its job's <see cref="CancellationToken"/> fire and stopped.</summary>
    public static Task Stopped(string key) => StopOf(key).Task;

    /// <summary>The trace id current in each run of a tracing probe with this key (null where none was), in run order.</summary>
    public static IReadOnlyList<string?> TraceIds(string key) => Traces.TryGetValue(key, out var ids) ? [.. ids] : [];

    internal static void SawTrace(string key, string? traceId) => Traces.GetOrAdd(key, static _ => new()).Enqueue(traceId);

    internal static void Hold(string key) => StartOf(key).TrySetResult();

    internal static void Stop(string key) => StopOf(key).TrySetResult();

    internal static int Ran(string key) => Runs.AddOrUpdate(key, 1, static (_, n) => n + 1);

    internal static void Saw(string key, JobRequest row) => Observed[key] = row;

    private static TaskCompletionSource StopOf(string key) =>
        Stops.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private static TaskCompletionSource StartOf(string key) =>
        Starts.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
