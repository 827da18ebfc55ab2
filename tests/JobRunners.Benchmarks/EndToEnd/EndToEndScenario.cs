using System.Diagnostics;
using JobRunners.Benchmarks.Harness;
using Npgsql;

namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>
/// Scenario 1: N no-op tracked jobs enqueued by one producer (one by one, or through the batch API) while W workers
/// drain them; jobs/s from the first enqueue to the last completion written. Every repetition runs every system
/// for every W and mode before the next repetition starts, so drift on the machine hits all of them alike. A system
/// that fails in one cell (W and mode) is noted and left out of that cell in later repetitions; the rest go on.
/// </summary>
internal sealed class EndToEndScenario
{
    public const string Prefix = "e2e-pg";
    private const int Warmup = 20;

    /// <summary>The N the issue asks for per run.</summary>
    public const int IssueJobs = 100_000;

    private readonly BenchSettings _settings;
    private readonly PgServer _pg;
    private readonly ResultSet _results;
    private readonly Dictionary<(string System, int Workers, bool Batch), int> _failed = [];

    public EndToEndScenario(BenchSettings settings, PgServer pg, ResultSet results)
    {
        _settings = settings;
        _pg = pg;
        _results = results;
    }

    /// <summary>The W at which runners other than the primary one are measured too (full run only).</summary>
    public static int ComparisonWorkers(IReadOnlyList<int> workers) => workers.Contains(32) ? 32 : workers[workers.Count / 2];

    public static string ScenarioName(bool batch, int workers) => $"{Prefix}.{(batch ? "batch" : "single")}.w{workers}";

    /// <summary>The note on N: the issue's N, or the smaller one this run used.</summary>
    public static string JobsNote(BenchSettings settings) => settings.E2eJobs >= IssueJobs
        ? $"S1 ran the issue's N: {settings.E2eJobs:N0} jobs per run for JobRunners and the floor{SingleNote(settings)}."
        : $"S1: the issue asks for N = {IssueJobs:N0} jobs per run; this {(settings.Quick ? "quick " : "")}run used N = {settings.E2eJobs:N0} for JobRunners and the floor{SingleNote(settings)} (`--n {IssueJobs}` runs the issue's N).";

    private static string SingleNote(BenchSettings settings) => settings.E2eSingleJobs is { } single && single != settings.E2eJobs
        ? $" with batch dispatch, {single:N0} with one-by-one dispatch (`--single-n`; rates are per second, so the smaller N only shortens those runs)"
        : "";

    public async Task RunAsync()
    {
        // The primary runner at every W; other JobRunners runners only at the comparison W.
        var systems = new List<IEndToEndSystem>();
        systems.AddRange(JobRunnersFlavor.All.Select(f => new JobRunnersSystem(_pg.ConnectionString, _pg.Admin, f)));
        systems.Add(new FloorSystem(_pg.ConnectionString, _settings.FloorClaimBatch));
        systems.Add(new HangfireSystem(_pg.ConnectionString, _pg.Admin));
        systems.Add(new QuartzSystem(_pg.ConnectionString, _pg.Admin));
        _results.Note(JobsNote(_settings));
        _results.Note($"S1: {_settings.E2ePeerJobs:N0} jobs per run for Hangfire and Quartz (rates are per second, so the smaller N only shortens their runs); batches of {_settings.DispatchBatch}; floor claims {_settings.FloorClaimBatch} rows per round trip; " +
            $"W = {string.Join(", ", _settings.Workers)}; every system's connection pool holds max(100, W + 10) connections (Npgsql's default is 100), so W workers can each hold one.");
        foreach (var system in systems.Where(s => s.BatchApi is null))
        {
            _results.Note($"S1: {system.Name} has no batch enqueue API; its batch figures are absent.");
        }

        for (var rep = 1; rep <= _settings.Repetitions; rep++)
        {
            foreach (var workers in _settings.Workers)
            {
                foreach (var batch in new[] { false, true })
                {
                    foreach (var system in systems.Where(s => (!batch || s.BatchApi is not null) && Includes(s, workers)))
                    {
                        if (_failed.TryGetValue((system.Name, workers, batch), out var failedIn))
                        {
                            Console.WriteLine($"  {ScenarioName(batch, workers)} rep {rep} {system.Name,-26} skipped (failed in rep {failedIn})");
                            continue;
                        }

                        var jobs = system is HangfireSystem or QuartzSystem ? _settings.E2ePeerJobs : batch ? _settings.E2eJobs : _settings.E2eSingleJobs ?? _settings.E2eJobs;
                        if (!await RunOnceAsync(system, workers, batch, jobs, rep))
                        {
                            _failed[(system.Name, workers, batch)] = rep;
                            if (rep < _settings.Repetitions)
                            {
                                _results.Note($"S1 {ScenarioName(batch, workers)}: {system.Name} is left out of the later repetitions of this cell after failing in rep {rep}.");
                            }
                        }
                    }
                }
            }
        }

        _results.PrintBenchLines(Prefix);
    }

    // Quick runs measure the primary runner only.
    private bool Includes(IEndToEndSystem system, int workers) =>
        !IsSecondaryRunner(system) || (!_settings.Quick && workers == ComparisonWorkers(_settings.Workers));

    private static bool IsSecondaryRunner(IEndToEndSystem system) =>
        system is JobRunnersSystem && system.Name != JobRunnersFlavor.Primary.System;

    /// <summary>One run of one system; false (and a note) when it failed.</summary>
    private async Task<bool> RunOnceAsync(IEndToEndSystem system, int workers, bool batch, int jobs, int rep)
    {
        var scenario = ScenarioName(batch, workers);
        var counter = new CompletionCounter();
        var timeout = TimeSpan.FromSeconds(_settings.Quick ? 60 : 600);
        try
        {
            await system.StartAsync(workers, counter);

            // Warm-up: connections opened, code jitted, workers polling.
            var warm = counter.Expect(Warmup);
            await system.EnqueueAsync(Warmup, batch, Warmup);
            await warm.WaitAsync(TimeSpan.FromSeconds(60));
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                await system.WaitUntilStoredAsync(Warmup, cts.Token);
            }

            // The first repetition of every cell is profiled statement by statement; the report shows the profiles
            // at the W where the postgres runner did best.
            var profile = rep == 1;
            if (profile)
            {
                await _pg.ResetStatementsAsync();
            }

            var before = await _pg.CountersAsync();
            var done = counter.Expect(jobs);
            var clock = Stopwatch.StartNew();
            await system.EnqueueAsync(jobs, batch, _settings.DispatchBatch);
            var enqueued = clock.Elapsed;
            var finished = await Task.WhenAny(done, Task.Delay(timeout)) == done;
            if (finished)
            {
                await done; // throws when the system reported a failure
                using var cts = new CancellationTokenSource(timeout);
                await system.WaitUntilStoredAsync(jobs + Warmup, cts.Token);
            }

            var elapsed = clock.Elapsed;
            await system.StopAsync();
            NpgsqlConnection.ClearAllPools();
            await Task.Delay(300); // exiting backends publish their statistics
            var used = await _pg.CountersAsync() - before;
            var completed = finished ? jobs : counter.Count;
            if (completed == 0)
            {
                _results.Note($"S1 {scenario} rep {rep}: {system.Name} completed none of {jobs:N0} jobs within {timeout.TotalSeconds:N0} s; no figure recorded.");
                return false;
            }

            if (profile)
            {
                _results.Profiles[$"{scenario} {system.Name}"] = await _pg.TopStatementsAsync((int)Math.Max(1, completed));
            }

            if (!finished)
            {
                _results.Note($"S1 {scenario} rep {rep}: {system.Name} completed {completed:N0} of {jobs:N0} jobs within {timeout.TotalSeconds:N0} s; its rate is the completed count over that time.");
            }

            _results.Add(scenario, system.Name, "jobs_per_s", completed / elapsed.TotalSeconds);
            _results.Add(scenario, system.Name, "enqueue_per_s", jobs / enqueued.TotalSeconds);
            _results.Add(scenario, system.Name, "commits_per_job", used.Commits / (double)completed);
            _results.Add(scenario, system.Name, "statements_per_job", used.Statements / (double)completed);
            Console.WriteLine($"  {scenario} rep {rep} {system.Name,-26} {completed / elapsed.TotalSeconds,10:N0} jobs/s  " +
                $"(enqueue {jobs / enqueued.TotalSeconds:N0}/s, {used.Commits / (double)completed:N2} commits, {used.Statements / (double)completed:N2} statements per job)");
            return true;
        }
        catch (Exception ex)
        {
            _results.Note($"S1 {scenario} rep {rep}: {system.Name} failed: {ex.GetType().Name}: {ex.Message}");
            try
            {
                await system.StopAsync();
            }
            catch (Exception stopFailure)
            {
                _results.Note($"S1 {scenario} rep {rep}: stopping {system.Name} after the failure failed too: {stopFailure.GetType().Name}: {stopFailure.Message}");
            }

            NpgsqlConnection.ClearAllPools();
            return false;
        }
    }
}
