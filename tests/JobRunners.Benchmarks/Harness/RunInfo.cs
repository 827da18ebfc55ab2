namespace JobRunners.Benchmarks.Harness;

/// <summary>Everything about the run that is not a figure.</summary>
internal sealed record RunInfo(
    BenchSettings Settings,
    MachineInfo Machine,
    IReadOnlyDictionary<string, string> PostgresSettings,
    LoadSummary Load,
    TimeSpan Duration,
    IReadOnlyDictionary<string, TimeSpan> ScenarioDurations,
    DateTime StartedUtc);
