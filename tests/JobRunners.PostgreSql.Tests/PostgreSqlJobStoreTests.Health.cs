using Dapper;

namespace JobRunners.PostgreSql.Tests;

/// <content>The schema status a health check reads, and the trace columns added to a schema that already holds rows.</content>
public sealed partial class PostgreSqlJobStoreTests
{
    [Test]
    public async Task GetSchemaStatusAsync_BeforeMigrate_FindsNothingAndCreatesNothing()
    {
        var store = NewStore();

        var status = await store.GetSchemaStatusAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.EqualTo(new StoreSchemaStatus(0, PostgreSqlMigrations.Latest)));
            Assert.That(status.MigrationsPending, Is.True);
            Assert.That(await QueryAsync<string>("SELECT nspname::text FROM pg_namespace WHERE nspname = @Schema", new { Schema = _schema }), Is.Empty);
        }
    }

    [Test]
    public async Task GetSchemaStatusAsync_AfterMigrate_FindsTheLatestVersion()
    {
        var store = NewStore();
        await store.MigrateAsync();

        var status = await store.GetSchemaStatusAsync();

        Assert.That(status, Is.EqualTo(new StoreSchemaStatus(PostgreSqlMigrations.Latest, PostgreSqlMigrations.Latest)));
        Assert.That(status.IsCurrent, Is.True);
    }

    [Test]
    public async Task GetSchemaStatusAsync_PartlyMigrated_FindsTheNewestAppliedVersion()
    {
        var store = NewStore();
        await store.MigrateAsync();
        await ExecuteAsync($"DELETE FROM \"{_schema}\".schema_migrations WHERE version = {PostgreSqlMigrations.Latest}");

        var status = await store.GetSchemaStatusAsync();

        Assert.That(status.FoundVersion, Is.EqualTo(PostgreSqlMigrations.All[^2].Version));
        Assert.That(status.MigrationsPending, Is.True);
    }

    [Test]
    public async Task GetSchemaStatusAsync_ServerUnreachable_ThrowsJobStoreExceptionNamingHostAndSetting()
    {
        var store = Track(new PostgreSqlJobStore(
            new PostgreSqlStoreOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=postgres;Timeout=3", Schema = _schema }, _time));

        var exception = await Assert.ThrowsAsync<JobStoreException>(async () => await store.GetSchemaStatusAsync());

        Assert.That(exception!.Message, Does.Contain("127.0.0.1:1").And.Contain("ConnectionStrings:JobRunners"));
    }

    [Test]
    public async Task MigrateAsync_SchemaWithRowsBeforeTraceColumns_AddsThemAndKeepsTheRows()
    {
        var store = NewStore();
        await store.MigrateAsync();
        var job = (await store.InsertAsync(NewJob())).Job;
        await ExecuteAsync($"""
            ALTER TABLE "{_schema}".job_request DROP COLUMN trace_parent, DROP COLUMN trace_state;
            DELETE FROM "{_schema}".schema_migrations WHERE version = 6;
            """);

        await store.MigrateAsync();
        var traced = (await store.InsertAsync(NewJob() with { TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" })).Job;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await store.GetAsync(job.Id), Is.EqualTo(job), "the old row reads as before, with no trace");
            Assert.That((await store.GetAsync(traced.Id))!.TraceParent, Does.StartWith("00-4bf92f"));
            Assert.That((await store.GetSchemaStatusAsync()).IsCurrent, Is.True);
        }
    }

    private static async Task ExecuteAsync(string sql)
    {
        var dataSource = await TestServer.GetDataSourceAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql);
    }
}
