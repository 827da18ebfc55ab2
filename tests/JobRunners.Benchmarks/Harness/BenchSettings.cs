namespace JobRunners.Benchmarks.Harness;

/// <summary>What one run measures and how much: the full run or the quick one (<c>--quick</c>).</summary>
internal sealed record BenchSettings
{
    public required bool Quick { get; init; }

    /// <summary>Repetitions of every figure; systems are interleaved inside each repetition.</summary>
    public required int Repetitions { get; init; }

    /// <summary>Jobs per end-to-end run for JobRunners and the floor.</summary>
    public required int E2eJobs { get; init; }

    /// <summary>Jobs per one-by-one end-to-end run for JobRunners and the floor (rates are per second; default <see cref="E2eJobs"/>).</summary>
    public int? E2eSingleJobs { get; init; }

    /// <summary>Jobs per end-to-end run for Hangfire and Quartz (their rate makes the full N take minutes per run).</summary>
    public required int E2ePeerJobs { get; init; }

    public required IReadOnlyList<int> Workers { get; init; }

    /// <summary>Items per call of the batch dispatch APIs (and rows per COPY of the floor).</summary>
    public int DispatchBatch { get; init; } = 1000;

    /// <summary>Rows one floor worker claims per round trip.</summary>
    public int FloorClaimBatch { get; init; } = 100;

    public required int LatencyCalls { get; init; }

    public required int GrowthSmall { get; init; }

    public required int GrowthLarge { get; init; }

    public required int GrowthClaims { get; init; }

    public required int CloudCalls { get; init; }

    /// <summary>Scenario 7: rows in the job table (<c>--monitor-rows</c>).</summary>
    public required int MonitorRows { get; init; }

    /// <summary>Scenario 7: calls per probe per repetition.</summary>
    public required int MonitorCalls { get; init; }

    public required TimeSpan InProcessIteration { get; init; }

    /// <summary>Scenario 6: how long the idle worker's statements are counted.</summary>
    public required TimeSpan IdleWindow { get; init; }

    public required string Postgres { get; init; }

    public string? SqsUrl { get; init; }

    public string? Azurite { get; init; }

    public required string RepoRoot { get; init; }

    /// <summary>Scenarios to run (S1..S7); empty for all.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    /// <summary>
    /// True with <c>--telemetry on</c>: a listener samples every JobRunners span and collects every metric for the
    /// whole run (S1 and S3 show the cost); off (the default) measures the library with nobody listening.
    /// </summary>
    public bool Telemetry { get; init; }

    public bool Runs(string scenario) => Only.Count == 0 || Only.Contains(scenario);

    public static BenchSettings FromArgs(string[] args)
    {
        var quick = args.Contains("--quick");
        var onlyIndex = Array.IndexOf(args, "--only");
        var only = onlyIndex >= 0 && onlyIndex + 1 < args.Length
            ? args[onlyIndex + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var postgres = Environment.GetEnvironmentVariable("BENCH_PG")
            ?? "Host=127.0.0.1;Port=55433;Username=postgres;Database=postgres";
        var repo = Environment.GetEnvironmentVariable("BENCH_REPO") ?? FindRepoRoot();
        var sqs = Environment.GetEnvironmentVariable("BENCH_SQS_URL");
        var azurite = Environment.GetEnvironmentVariable("BENCH_AZURITE");
        var telemetryIndex = Array.IndexOf(args, "--telemetry");
        var telemetry = telemetryIndex >= 0 && telemetryIndex + 1 < args.Length && args[telemetryIndex + 1] switch
        {
            "on" => true,
            "off" => false,
            var other => throw new ArgumentException($"--telemetry takes on or off, not '{other}'."),
        };
        return quick
            ? new BenchSettings
            {
                Quick = true, Repetitions = IntArg(args, "--reps") ?? 3, E2eJobs = IntArg(args, "--n") ?? 200, E2ePeerJobs = IntArg(args, "--peer-n") ?? 40, E2eSingleJobs = IntArg(args, "--single-n"), Workers = IntsArg(args, "--workers") ?? [8],
                LatencyCalls = 300, GrowthSmall = 10_000, GrowthLarge = 100_000, GrowthClaims = 100, CloudCalls = 40, MonitorRows = IntArg(args, "--monitor-rows") ?? 200_000, MonitorCalls = 20,
                InProcessIteration = TimeSpan.FromMilliseconds(50), IdleWindow = TimeSpan.FromSeconds(30),
                Postgres = postgres, SqsUrl = sqs, Azurite = azurite, RepoRoot = repo, Only = only, Telemetry = telemetry,
            }
            : new BenchSettings
            {
                Quick = false, Repetitions = IntArg(args, "--reps") ?? 5, E2eJobs = IntArg(args, "--n") ?? 3_000, E2ePeerJobs = IntArg(args, "--peer-n") ?? 250, E2eSingleJobs = IntArg(args, "--single-n"), Workers = IntsArg(args, "--workers") ?? [2, 8, 32, 128],
                LatencyCalls = 2_000, GrowthSmall = 10_000, GrowthLarge = 1_000_000, GrowthClaims = 500, CloudCalls = 300, MonitorRows = IntArg(args, "--monitor-rows") ?? 1_000_000, MonitorCalls = 50,
                InProcessIteration = TimeSpan.FromMilliseconds(250), IdleWindow = TimeSpan.FromSeconds(120),
                Postgres = postgres, SqsUrl = sqs, Azurite = azurite, RepoRoot = repo, Only = only, Telemetry = telemetry,
            };
    }

    private static int? IntArg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static int[]? IntsArg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length
            ? args[index + 1].Split(',').Select(w => int.Parse(w, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : null;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
