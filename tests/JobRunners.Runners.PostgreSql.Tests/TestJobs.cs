using System.Collections.Concurrent;
using System.Diagnostics;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>The payload of <see cref="TestJobs"/>.</summary>
/// <param name="Key">Identifies the test (and item).</param>
/// <param name="Value">A number the job records, such as its priority.</param>
public sealed record TestPayload(string Key, int Value = 0);

/// <summary>One start of a test job, as its handler saw it.</summary>
/// <param name="Value">The payload's value.</param>
/// <param name="Timestamp">A <see cref="Stopwatch"/> timestamp taken as the handler started.</param>
/// <param name="JobId">The row id.</param>
public sealed record JobStart(int Value, long Timestamp, long JobId);

/// <summary>Jobs and tasks for the runner's own tests; what they saw is kept per payload key, process-wide.</summary>
public static class TestJobs
{
    /// <summary>Records its start and returns.</summary>
    public const string Record = "test.record";

    /// <summary>Records its start, then waits until the test calls <see cref="Open"/> with its key.</summary>
    public const string Gated = "test.gated";

    /// <summary>Records its start and throws; retried an hour later (so not within one test).</summary>
    public const string FailsSlowRetry = "test.fails-slow-retry";

    /// <summary>Does nothing: for throughput.</summary>
    public const string Noop = "test.noop";

    /// <summary>A task that does nothing: for throughput.</summary>
    public const string NoopTask = "test.noop-task";

    /// <summary>A task that records its run and returns.</summary>
    public const string RecordTask = "test.record-task";

    private static readonly ConcurrentDictionary<string, ConcurrentQueue<JobStart>> Starts = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Gates = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Key, int Value), TaskCompletionSource<JobStart>> Waiters = new();

    /// <summary>Registers the test jobs and task.</summary>
    public static JobRunnersBuilder AddTestJobs(this JobRunnersBuilder jobs) => jobs
        .AddJob<TestPayload>(Record, (p, context, _) =>
        {
            Started(p, context.JobId);
            return ValueTask.CompletedTask;
        })
        .AddJob<TestPayload>(Gated, async (p, context, ct) =>
        {
            Started(p, context.JobId);
            await Gate(p.Key).Task.WaitAsync(ct);
        })
        .AddJob<TestPayload>(FailsSlowRetry, (p, context, _) =>
        {
            Started(p, context.JobId);
            throw new InvalidOperationException($"test job {p.Key} fails");
        }, o => o.Retry = new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromHours(1), MaxDelay = TimeSpan.FromHours(1) })
        .AddJob<TestPayload>(Noop, (_, _, _) => ValueTask.CompletedTask)
        .AddTask<TestPayload>(NoopTask, (_, _, _) => ValueTask.CompletedTask)
        .AddTask<TestPayload>(RecordTask, (p, _, _) =>
        {
            Started(p, 0);
            return ValueTask.CompletedTask;
        });

    /// <summary>The starts recorded under <paramref name="key"/>, in order.</summary>
    public static IReadOnlyList<JobStart> StartsOf(string key) => Starts.TryGetValue(key, out var starts) ? [.. starts] : [];

    /// <summary>Completes when the job with this key and value starts (or at once if it has).</summary>
    public static Task<JobStart> WhenStarted(string key, int value)
    {
        var waiter = Waiters.GetOrAdd((key, value), _ => new TaskCompletionSource<JobStart>(TaskCreationOptions.RunContinuationsAsynchronously));

        // Also when the job started before anyone waited.
        if (StartsOf(key).FirstOrDefault(s => s.Value == value) is { } start)
        {
            waiter.TrySetResult(start);
        }

        return waiter.Task;
    }

    /// <summary>Lets every <see cref="Gated"/> job with this key finish.</summary>
    public static void Open(string key) => Gate(key).TrySetResult();

    private static void Started(TestPayload payload, long jobId)
    {
        var start = new JobStart(payload.Value, Stopwatch.GetTimestamp(), jobId);
        Starts.GetOrAdd(payload.Key, _ => new ConcurrentQueue<JobStart>()).Enqueue(start);
        if (Waiters.TryGetValue((payload.Key, payload.Value), out var waiter))
        {
            waiter.TrySetResult(start);
        }
    }

    private static TaskCompletionSource Gate(string key) =>
        Gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
