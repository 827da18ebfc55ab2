using System.Diagnostics;
using System.Globalization;
using JobRunners.Benchmarks.Cloud;
using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Benchmarks.Growth;
using JobRunners.Benchmarks.Harness;
using JobRunners.Benchmarks.Idle;
using JobRunners.Benchmarks.InProcess;
using JobRunners.Benchmarks.Latency;
using JobRunners.Benchmarks.Monitoring;
using JobRunners.Benchmarks.Report;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var settings = BenchSettings.FromArgs(args);
// Quick and full runs keep separate results, so a quick check never replaces the full run the report comes from.
var saved = Path.Combine(settings.RepoRoot, ".tmp", "bench", settings.Quick ? "last-results-quick.json" : "last-results.json");
if (args.Contains("--render-only"))
{
    // Rewrites the report from the last saved run without measuring (the report's text changed, not the numbers).
    var (savedRun, savedResults) = (await SavedRun.LoadAsync(saved)).Restore(settings);
    var savedTargets = Targets.Evaluate(savedResults);
    ConsoleTable.Print(savedResults, savedTargets);
    var target = savedRun.Settings.Quick ? Path.Combine(settings.RepoRoot, ".tmp", "bench", "benchmarks-quick.md") : Path.Combine(settings.RepoRoot, "docs", "benchmarks.md");
    await File.WriteAllTextAsync(target, MarkdownReport.Render(savedRun, savedResults, savedTargets));
    Console.WriteLine($"report: {Path.GetRelativePath(settings.RepoRoot, target)} (from {Path.GetRelativePath(settings.RepoRoot, saved)})");
    return;
}

using var telemetry = BenchTelemetry.StartIf(settings.Telemetry);
var clock = Stopwatch.StartNew();
var startedUtc = DateTime.UtcNow;
var machine = await MachineInfo.CaptureAsync();
using var load = new LoadSampler();
var results = new ResultSet();
await using var pg = new PgServer(settings.Postgres);
await pg.PrepareAsync();
var pgSettings = await pg.SettingsAsync();

Console.WriteLine($"JobRunners benchmarks ({(settings.Quick ? "quick" : "full")} run), {settings.Repetitions} repetitions per figure");
Console.WriteLine($"machine: {machine.Cores} cores, {machine.MemoryGiB:N1} GiB, {machine.CpuModel}, {machine.Runtime}");
Console.WriteLine("postgres: " + string.Join(", ", pgSettings.Select(kv => $"{kv.Key}={kv.Value}")));
Console.WriteLine($"uptime before: {machine.UptimeBefore}");
Console.WriteLine($"telemetry: {(settings.Telemetry ? "on (every JobRunners span sampled, every metric collected)" : "off (nobody listens)")}");
Console.WriteLine($"JobRunners runners measured on PostgreSQL: {string.Join(", ", JobRunnersFlavor.All.Select(f => f.System))}");

var scenarios = new (string Id, string Title, Func<Task> Run)[]
{
    ("S1", "end-to-end tracked jobs on PostgreSQL", () => new EndToEndScenario(settings, pg, results).RunAsync()),
    ("S2", "dispatch latency on PostgreSQL", () => new DispatchLatencyScenario(settings, pg, results).RunAsync()),
    ("S3", "in-process dispatch (BenchmarkDotNet)", () => new InProcessScenario(settings, pg, results).RunAsync()),
    ("S4", "claim latency as the queue grows", () => new GrowthScenario(settings, pg, results).RunAsync()),
    ("S5", "cloud dispatch overhead", () => new CloudScenario(settings, pg, results).RunAsync()),
    ("S6", "idle worker: statements per second", () => new IdleWorkerScenario(settings, pg, results).RunAsync()),
    ("S7", "monitoring a large job table", () => new MonitoringScenario(settings, pg, results).RunAsync()),
};

var durations = new Dictionary<string, TimeSpan>();
foreach (var (id, title, execute) in scenarios.Where(s => settings.Runs(s.Id)))
{
    Console.WriteLine();
    Console.WriteLine($"== {id}: {title}");
    var started = clock.Elapsed;
    try
    {
        await execute();
    }
    catch (Exception ex)
    {
        results.Note($"{id} stopped with {ex.GetType().Name}: {ex.Message}");
    }

    durations[id] = clock.Elapsed - started;
    Console.WriteLine($"== {id} took {durations[id].TotalSeconds:N0} s");
}

machine.UptimeAfter = await MachineInfo.UptimeAsync();
var run = new RunInfo(settings, machine, pgSettings, load.Summary(), clock.Elapsed, durations, startedUtc);
var targets = Targets.Evaluate(results);
await SavedRun.From(run, results).SaveAsync(saved);
await SavedRun.From(run, results).SaveAsync(Path.Combine(settings.RepoRoot, ".tmp", "bench", $"results-{startedUtc:yyyyMMdd-HHmmss}{(settings.Quick ? "-quick" : "")}.json"));
Console.WriteLine();
Console.WriteLine($"uptime after: {machine.UptimeAfter}");
Console.WriteLine($"load average during the run: {load.Summary()}");
ConsoleTable.Print(results, targets);
if (telemetry is not null)
{
    Console.WriteLine($"telemetry listener saw {telemetry.Summary}");
}

var path = settings.Quick
    ? Path.Combine(settings.RepoRoot, ".tmp", "bench", "benchmarks-quick.md")
    : Path.Combine(settings.RepoRoot, "docs", "benchmarks.md");
Directory.CreateDirectory(Path.GetDirectoryName(path)!);
await File.WriteAllTextAsync(path, MarkdownReport.Render(run, results, targets));
Console.WriteLine($"report: {Path.GetRelativePath(settings.RepoRoot, path)}");
Console.WriteLine($"run took {clock.Elapsed.TotalSeconds:N0} s");
