namespace JobRunners.Benchmarks.Report;

/// <summary>
/// One goal from the issue, what was measured against it, whether it was met (null: not measured), and in a few
/// words what limits it (the report explains each at length).
/// </summary>
internal sealed record TargetResult(string Scenario, string Goal, string Measured, bool? Met, string Limit = "");
