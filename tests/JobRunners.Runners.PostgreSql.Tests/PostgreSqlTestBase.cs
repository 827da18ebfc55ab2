using JobRunners.Conformance;
using JobRunners.Runners.PostgreSql.WorkerHost;
using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>
/// Hosts for the runner's own tests: the postgres runner, the kit's probes and <see cref="TestJobs"/>, all in one
/// fresh schema per test (hosts started by one test share it, like processes sharing a database).
/// </summary>
public abstract class PostgreSqlTestBase : RunnerTestBase
{
    /// <summary>This test's schema.</summary>
    protected string Schema { get; } = TestDatabase.NewSchemaName();

    /// <summary>A clock for the next host to use instead of the system clock.</summary>
    protected TimeProvider? Clock { get; set; }

    protected override string RunnerName => "postgres";

    [SetUp]
    public async Task RequireServer() => await TestDatabase.GetDataSourceAsync();

    [TearDown]
    public async Task DropSchema() => await TestDatabase.DropSchemaAsync(Schema);

    protected override void AddRunner(JobRunnersBuilder jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (Clock is { } clock)
        {
            jobs.Services.AddSingleton(clock);
        }

        jobs.AddPostgreSqlRunner().AddTestJobs().AddHostJobs(null, Schema, "dispatcher");
    }

    /// <summary>PostgreSQL while <c>ConnectionStrings:JobRunners</c> is set; a test that clears it gets SQLite, which this runner refuses.</summary>
    protected override void UseStore(JobRunnersBuilder jobs) => jobs.UseConfiguredStore();

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["ConnectionStrings:JobRunners"] = TestDatabase.ConnectionString;
        settings["JobRunners:PostgreSql:Schema"] = Schema;
    }

    /// <summary>Settings for a host that only dispatches (its worker off), plus <paramref name="more"/>.</summary>
    protected static Dictionary<string, string?> DispatchOnly(params (string Key, string? Value)[] more) =>
        With(more.Append(("JobRunners:Worker:Enabled", "false")).ToArray());

    /// <summary>Settings from pairs.</summary>
    protected static Dictionary<string, string?> With(params (string Key, string? Value)[] settings) =>
        settings.ToDictionary(s => s.Key, s => s.Value);

    /// <summary>
    /// Waits until no row matches <paramref name="where"/>, checking every 200 ms: gentler than the kit's 20 ms
    /// polling while a measurement runs.
    /// </summary>
    protected async Task WaitUntilNoneAsync(string where, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await CountAsync(where) > 0)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"timed out waiting until no row has {where}");
            await Task.Delay(200);
        }
    }

    /// <summary>Counts rows of this test's schema with SQL, to see columns the store does not expose.</summary>
    protected Task<long> CountAsync(string where) =>
        TestDatabase.QuerySingleAsync<long>($"SELECT count(*) FROM \"{Schema}\".job_request WHERE {where}");
}
