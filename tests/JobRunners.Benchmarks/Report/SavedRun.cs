using System.Text.Json;
using JobRunners.Benchmarks.Harness;

namespace JobRunners.Benchmarks.Report;

/// <summary>
/// A finished run saved as JSON (.tmp/bench/last-results.json), so that <c>--render-only</c> can rewrite the report from
/// it without measuring again.
/// </summary>
internal sealed record SavedRun(
    bool Quick,
    int Repetitions,
    IReadOnlyList<int> Workers,
    int FloorClaimBatch,
    SavedMachine Machine,
    Dictionary<string, string> Postgres,
    LoadSummary Load,
    double DurationSeconds,
    Dictionary<string, double> ScenarioSeconds,
    List<SavedFigure> Figures,
    List<string> Notes,
    Dictionary<string, List<StatementProfile>> Profiles,
    DateTime StartedUtc,
    Dictionary<string, List<StatementCount>>? StatementCounts = null,
    int? E2eJobs = null,
    int? E2ePeerJobs = null,
    int? E2eSingleJobs = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static SavedRun From(RunInfo run, ResultSet results) => new(
        run.Settings.Quick,
        run.Settings.Repetitions,
        run.Settings.Workers,
        run.Settings.FloorClaimBatch,
        new SavedMachine(run.Machine.Cores, run.Machine.MemoryGiB, run.Machine.CpuModel, run.Machine.Runtime, run.Machine.Os, run.Machine.UptimeBefore, run.Machine.UptimeAfter),
        new Dictionary<string, string>(run.PostgresSettings),
        run.Load,
        run.Duration.TotalSeconds,
        run.ScenarioDurations.ToDictionary(d => d.Key, d => d.Value.TotalSeconds),
        results.Figures.Select(f => new SavedFigure(f.Scenario, f.System, f.Metric, [.. f.Samples])).ToList(),
        [.. results.Notes],
        results.Profiles.ToDictionary(p => p.Key, p => p.Value.ToList()),
        run.StartedUtc,
        results.StatementCounts.ToDictionary(p => p.Key, p => p.Value.ToList()),
        run.Settings.E2eJobs,
        run.Settings.E2ePeerJobs,
        run.Settings.E2eSingleJobs);

    public async Task SaveAsync(string path) => await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json));

    public static async Task<SavedRun> LoadAsync(string path)
    {
        var run = JsonSerializer.Deserialize<SavedRun>(await File.ReadAllTextAsync(path), Json) ?? throw new InvalidDataException($"{path} is empty.");

        // Runs saved before the start time was recorded: the file was written as the run ended.
        return run.StartedUtc == default ? run with { StartedUtc = File.GetLastWriteTimeUtc(path) - TimeSpan.FromSeconds(run.DurationSeconds) } : run;
    }

    /// <summary>The run and its results as the report renders them.</summary>
    public (RunInfo Run, ResultSet Results) Restore(BenchSettings settings)
    {
        var results = new ResultSet();
        foreach (var figure in Figures)
        {
            foreach (var sample in figure.Samples)
            {
                results.Add(figure.Scenario, figure.System, figure.Metric, sample);
            }
        }

        results.Notes.AddRange(Notes);
        foreach (var (key, profile) in Profiles)
        {
            results.Profiles[key] = profile;
        }

        foreach (var (key, statements) in StatementCounts ?? [])
        {
            results.StatementCounts[key] = statements;
        }

        var machine = new MachineInfo
        {
            Cores = Machine.Cores, MemoryGiB = Machine.MemoryGiB, CpuModel = Machine.CpuModel, Runtime = Machine.Runtime, Os = Machine.Os,
            UptimeBefore = Machine.UptimeBefore, UptimeAfter = Machine.UptimeAfter,
        };
        var restored = settings with
        {
            Quick = Quick, Repetitions = Repetitions, Workers = Workers, FloorClaimBatch = FloorClaimBatch,
            E2eJobs = E2eJobs ?? settings.E2eJobs, E2ePeerJobs = E2ePeerJobs ?? settings.E2ePeerJobs,
            E2eSingleJobs = E2eSingleJobs ?? settings.E2eSingleJobs,
        };
        var run = new RunInfo(restored, machine, Postgres, Load, TimeSpan.FromSeconds(DurationSeconds), ScenarioSeconds.ToDictionary(d => d.Key, d => TimeSpan.FromSeconds(d.Value)), StartedUtc);
        return (run, results);
    }
}

/// <summary>The machine as saved.</summary>
internal sealed record SavedMachine(int Cores, double MemoryGiB, string CpuModel, string Runtime, string Os, string UptimeBefore, string UptimeAfter);

/// <summary>One figure's samples as saved.</summary>
internal sealed record SavedFigure(string Scenario, string System, string Metric, List<double> Samples);
