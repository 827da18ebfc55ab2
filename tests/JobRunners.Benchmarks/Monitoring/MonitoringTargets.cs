using JobRunners.Benchmarks.Harness;

namespace JobRunners.Benchmarks.Monitoring;

/// <summary>The words of S7's targets and what to say when one is missed.</summary>
internal static class MonitoringTargets
{
    public const string List = "list page p50, failed jobs, 1M rows on PostgreSQL";

    public const string Counts = "counts (stats) p50, 1M rows on PostgreSQL";

    /// <summary>The slowest probes whose name starts with <paramref name="prefix"/>, from this run.</summary>
    public static string Slowest(ResultSet results, string prefix) =>
        string.Join(", ", results.Figures
            .Where(f => f.Scenario.StartsWith($"{MonitoringScenario.Scenario}.{prefix}", StringComparison.Ordinal) && f.Metric == "p50_ms")
            .OrderByDescending(f => f.Median)
            .Take(3)
            .Select(f => $"{f.Scenario[(MonitoringScenario.Scenario.Length + 1)..]} ({f.System}) {Figure.Format(f.Median)} ms"));
}
