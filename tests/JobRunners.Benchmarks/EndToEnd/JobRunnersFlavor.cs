namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>
/// A JobRunners runner as the benchmark sets it up: the system name in the figures, the <c>JOB_RUNNER</c> value,
/// its registration and its settings for W workers. Adding a runner to every PostgreSQL scenario is one entry in
/// <see cref="All"/>.
/// </summary>
internal sealed record JobRunnersFlavor(
    string System,
    string RunnerName,
    Action<JobRunnersBuilder> Register,
    Func<int, IReadOnlyDictionary<string, string?>> WorkerSettings)
{
    public static JobRunnersFlavor InProcess { get; } = new(
        "jobrunners-inprocess-pg",
        "in-process",
        jobs => jobs.AddInProcessRunner(),
        workers => new Dictionary<string, string?>
        {
            ["JobRunners:InProcess:Workers"] = workers.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
            // Big enough that a producer never waits on back-pressure: the run measures the store, not the channel.
            ["JobRunners:InProcess:Capacity"] = "2000000",
        });

#if BENCH_POSTGRES_RUNNER
    public static JobRunnersFlavor Postgres { get; } = new(
        "jobrunners-postgres",
        "postgres",
        jobs => jobs.AddPostgreSqlRunner(),
        workers => new Dictionary<string, string?>
        {
            ["JobRunners:PostgreSql:Concurrency"] = workers.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
            ["JobRunners:PostgreSql:BatchSize"] = workers.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
        });
#endif

    /// <summary>The runners measured on PostgreSQL, the primary one (the one targets are judged on) first.</summary>
    public static IReadOnlyList<JobRunnersFlavor> All { get; } =
    [
#if BENCH_POSTGRES_RUNNER
        Postgres,
#endif
        InProcess,
    ];

    public static JobRunnersFlavor Primary => All[0];
}
