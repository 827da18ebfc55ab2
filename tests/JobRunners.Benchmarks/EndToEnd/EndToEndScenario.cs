using System.Diagnostics;
using JobRunners.Benchmarks.Harness;
using Npgsql;

namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>
/// Scenario 1: N no-op tracked jobs enqueued by one producer (one by one, or through the batch API) while W workers
/// drain them; jobs/s from the first enqueue to the last completion written. Every repetition runs every system
/// for every W and mode before the next repetition starts, so drift on the machine hits all of them alike.
/// </summary>
internal sealed class EndToEndScenario
{
    public const string Prefix = "e2e-pg";
    private const int Warmup = 20;

    private readonly BenchSettings _settings;
    private readonly PgServer _pg;
    private readonly ResultSet _results;

    public EndToEndScenario(BenchSettings settings, PgServer pg, ResultSet results)
    {
        _settings = settings;
        _pg = pg;
        _results = results;
    }

    /// <summary>The W whose first repetition is profiled statement by statement (the W the targets are judged at).</summary>
    private int ProfiledWorkers => _settings.Workers.Contains(8) ? 8 : _settings.Workers[_settings.Workers.Count / 2];

    public static string ScenarioName(bool batch, int workers) => $"{Prefix}.{(batch ? "batch" : "single")}.w{workers}";

    public async Task RunAsync()
    {
        // The primary runner at every W; other JobRunners runners only at the W the targets are judged at.
        var systems = new List<IEndToEndSystem>();
        systems.AddRange(JobRunnersFlavor.All.Select(f => new JobRunnersSystem(_pg.ConnectionString, _pg.Admin, f)));
        systems.Add(new FloorSystem(_pg.ConnectionString, _settings.FloorClaimBatch));
        systems.Add(new HangfireSystem(_pg.ConnectionString, _pg.Admin));
        systems.Add(new QuartzSystem(_pg.ConnectionString, _pg.Admin));
        _results.Note($"S1: {_settings.E2eJobs:N0} jobs per run for JobRunners and the floor, {_settings.E2ePeerJobs:N0} for Hangfire and Quartz " +
            $"(rates are per second, so the smaller N only shortens their runs); batches of {_settings.DispatchBatch}; floor claims {_settings.FloorClaimBatch} rows per round trip.");
        if (!_settings.Quick && _settings.E2eJobs < 100_000)
        {
            _results.Note($"S1: the issue asks for N = 100,000 per run; at the few hundred jobs/s JobRunners reaches on this machine one such run takes minutes and the matrix (W = {string.Join(", ", _settings.Workers)}, two modes, {_settings.Repetitions} repetitions) hours, so the full run uses N = {_settings.E2eJobs:N0} to stay near 20 minutes (`--n 100000` runs the issue's N).");
        }

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
                        var jobs = system is HangfireSystem or QuartzSystem ? _settings.E2ePeerJobs : _settings.E2eJobs;
                        await RunOnceAsync(system, workers, batch, jobs, rep);
                    }
                }
            }
        }

        _results.PrintBenchLines(Prefix);
    }

    // Quick runs measure the primary runner only.
    private bool Includes(IEndToEndSystem system, int workers) =>
        !IsSecondaryRunner(system) || (!_settings.Quick && workers == ProfiledWorkers);

    private static bool IsSecondaryRunner(IEndToEndSystem system) =>
        system is JobRunnersSystem && system.Name != JobRunnersFlavor.Primary.System;

    private async Task RunOnceAsync(IEndToEndSystem system, int workers, bool batch, int jobs, int rep)
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

            var profile = rep == 1 && workers == ProfiledWorkers;
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
                using var cts = new CancellationTokenSource(timeout);
                await system.WaitUntilStoredAsync(jobs + Warmup, cts.Token);
            }

            var elapsed = clock.Elapsed;
            await system.StopAsync();
            NpgsqlConnection.ClearAllPools();
            await Task.Delay(300); // exiting backends publish their statistics
            var used = await _pg.CountersAsync() - before;
            var completed = finished ? jobs : counter.Count;
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
        }
        catch (Exception ex)
        {
            _results.Note($"S1 {scenario} rep {rep}: {system.Name} failed: {ex.GetType().Name}: {ex.Message}");
            await system.StopAsync();
            NpgsqlConnection.ClearAllPools();
        }
    }
}
