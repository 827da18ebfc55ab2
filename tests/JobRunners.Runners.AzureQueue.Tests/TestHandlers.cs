using System.Collections.Concurrent;
using JobRunners.Conformance;

namespace JobRunners.Runners.AzureQueue.Tests;

/// <summary>Handlers these tests add to the kit's probes, and what they saw.</summary>
internal static class TestHandlers
{
    /// <summary>A task that counts its runs, then throws.</summary>
    public const string AlwaysFailingTask = "azure.always-fails";

    /// <summary>A job that counts its starts, then works for the payload's count in seconds.</summary>
    public const string SlowJob = "azure.slow";

    private static readonly ConcurrentDictionary<string, int> Runs = new(StringComparer.Ordinal);

    public static int RunCount(string key) => Runs.GetValueOrDefault(key);

    public static JobRunnersBuilder AddTestHandlers(this JobRunnersBuilder jobs) => jobs
        .AddTask<ProbePayload>(AlwaysFailingTask, (p, _, _) =>
        {
            Runs.AddOrUpdate(p.Key, 1, static (_, n) => n + 1);
            throw new InvalidOperationException($"task {p.Key} always fails");
        })
        .AddJob<ProbePayload>(SlowJob, async (p, _, ct) =>
        {
            Runs.AddOrUpdate(p.Key, 1, static (_, n) => n + 1);
            await Task.Delay(TimeSpan.FromSeconds(p.Count), ct);
        });
}
