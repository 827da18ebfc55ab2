using JobRunners.Conformance;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>The runner conformance kit against PostgreSQL, each test in a fresh schema.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class PostgreSqlConformanceTests : RunnerConformanceTests
{
    private readonly string _schema = TestDatabase.NewSchemaName();

    protected override string RunnerName => "postgres";

    // The table is the queue: workers find queued rows themselves, so nothing is re-sent.
    protected override bool ResendsLostMessages => false;

    protected override IReadOnlyDictionary<string, string?>? ShortShutdownSettings => new Dictionary<string, string?> { ["JobRunners:PostgreSql:ShutdownTimeout"] = "00:00:00.200" };

    protected override IReadOnlyDictionary<string, string?>? UnconfiguredSettings =>
        new Dictionary<string, string?> { ["ConnectionStrings:JobRunners"] = "" };

    protected override IReadOnlyList<string> ExpectedMissingSettings => ["ConnectionStrings:JobRunners"];

    [SetUp]
    public async Task RequireServer() => await TestDatabase.GetDataSourceAsync();

    [TearDown]
    public async Task DropSchema() => await TestDatabase.DropSchemaAsync(_schema);

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddPostgreSqlRunner();

    // Clearing the connection string (UnconfiguredSettings) leaves the host on SQLite, which this runner refuses.
    protected override void UseStore(JobRunnersBuilder jobs) => jobs.UseConfiguredStore();

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        settings["ConnectionStrings:JobRunners"] = TestDatabase.ConnectionString;
        settings["JobRunners:PostgreSql:Schema"] = _schema;
    }
}
