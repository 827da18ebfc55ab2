using System.Globalization;
using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Benchmarks.Harness;

namespace JobRunners.Benchmarks.Report;

/// <summary>One S1 cell: the mode and W of a system's run, and its median jobs/s.</summary>
internal sealed record EndToEndBest(string Scenario, int Workers, double Rate)
{
    /// <summary>The W at which <paramref name="system"/> had its highest median jobs/s in one mode; null when never measured.</summary>
    public static EndToEndBest? Of(ResultSet results, string system, bool batch)
    {
        var prefix = $"{EndToEndScenario.Prefix}.{(batch ? "batch" : "single")}.w";
        var best = results.Figures
            .Where(f => f.Scenario.StartsWith(prefix, StringComparison.Ordinal) && f.System == system && f.Metric == "jobs_per_s" && !double.IsNaN(f.Median))
            .MaxBy(f => f.Median);
        return best is null ? null : new EndToEndBest(best.Scenario, int.Parse(best.Scenario[prefix.Length..], CultureInfo.InvariantCulture), best.Median);
    }
}
