namespace JobRunners.Benchmarks.Report;

/// <summary>
/// One target: the figure it judges, the target itself, what this run measured, whether it was met (null: not
/// measured), and in a few words, from this run's own figures, what limits it.
/// </summary>
internal sealed record TargetResult(string Scenario, string Figure, string Target, string Measured, bool? Met, string Limit = "");
