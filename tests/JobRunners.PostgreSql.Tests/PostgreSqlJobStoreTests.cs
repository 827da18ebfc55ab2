using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace JobRunners.PostgreSql.Tests;

/// <summary>What only the PostgreSQL store does: its schema, migrations, errors and races between real connections.</summary>
[TestFixture]
public sealed partial class PostgreSqlJobStoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly List<PostgreSqlJobStore> _stores = [];
    private string _schema = "";

    [SetUp]
    public async Task SetUp()
    {
        await TestServer.GetDataSourceAsync();
        _schema = TestServer.NewSchemaName();
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _stores.Clear();
        if (_schema.Length > 0)
        {
            await TestServer.DropSchemaAsync(_schema);
            _schema = "";
        }
    }

    [Test]
    public async Task MigrateAsync_CalledTwice_AppliesEachVersionOnce()
    {
        var store = NewStore();

        await store.MigrateAsync();
        await store.MigrateAsync();

        var versions = await QueryAsync<int>($"SELECT version FROM \"{_schema}\".schema_migrations ORDER BY version");
        Assert.That(versions, Is.EqualTo(PostgreSqlMigrations.All.Select(m => m.Version)));
    }

    [Test]
    public async Task MigrateAsync_ConcurrentInstances_AllSucceedAndApplyOnce()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => NewStore()).ToList();

        await Task.WhenAll(stores.Select(store => Task.Run(async () => await store.MigrateAsync())));

        var count = (await QueryAsync<long>($"SELECT count(*) FROM \"{_schema}\".schema_migrations")).Single();
        Assert.That(count, Is.EqualTo(PostgreSqlMigrations.All.Count));
        Assert.That((await stores[5].InsertAsync(NewJob())).Created, Is.True);
    }

    [Test]
    public async Task MigrateAsync_NewSchema_CreatesDocumentedColumnTypesAndIndexes()
    {
        await NewStore().MigrateAsync();

        var types = (await QueryAsync<(string Column, string Type)>(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = @Schema AND table_name = 'job_request'",
            new { Schema = _schema })).ToDictionary(c => c.Column, c => c.Type);
        var indexes = await QueryAsync<string>("SELECT indexname FROM pg_indexes WHERE schemaname = @Schema AND tablename = 'job_request'", new { Schema = _schema });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(types["id"], Is.EqualTo("bigint"));
            Assert.That(types["payload"], Is.EqualTo("jsonb"));
            Assert.That(types["run_at"], Is.EqualTo("timestamp with time zone"));
            Assert.That(types["finished_at"], Is.EqualTo("timestamp with time zone"));
            Assert.That(types["locks_queue"], Is.EqualTo("boolean"));
            Assert.That(types["progress"], Is.EqualTo("integer"));
            Assert.That(types["trace_parent"], Is.EqualTo("text"));
            Assert.That(types["retries"], Is.EqualTo("integer"));
            Assert.That(types["unique_until"], Is.EqualTo("timestamp with time zone"));
            Assert.That(types["unique_held"], Is.EqualTo("boolean"));
            Assert.That(types["unique_per_queue"], Is.EqualTo("boolean"));
            Assert.That(types, Has.Count.EqualTo(29));
            Assert.That(indexes, Has.Count.EqualTo(10), string.Join(", ", indexes));
            Assert.That(indexes, Is.SupersetOf(new[] { "ix_job_request_status_id", "ix_job_request_type_status_id", "ix_job_request_created", "ux_job_request_identity" }));
            Assert.That(indexes, Does.Not.Contain("ux_job_request_type_unique_key"), "version 8 replaces version 4's unique index");
        }
    }

    [Test]
    public async Task MigrateAsync_SchemaAtVersion7WithAKeyedRow_AddsIdentityColumnsAndTheRowKeepsItsKey()
    {
        var store = NewStore();
        await store.MigrateAsync();
        var job = (await store.InsertAsync(NewJob() with { UniqueKey = "old-key" })).Job;
        await ExecuteAsync($"""
            DROP INDEX "{_schema}".ux_job_request_identity;
            CREATE UNIQUE INDEX ux_job_request_type_unique_key ON "{_schema}".job_request (job_type, unique_key)
                WHERE unique_key IS NOT NULL AND status IN ('queued', 'running');
            ALTER TABLE "{_schema}".job_request DROP COLUMN unique_until, DROP COLUMN unique_held, DROP COLUMN unique_per_queue;
            DELETE FROM "{_schema}".schema_migrations WHERE version = 8;
            """);

        Assert.That((await store.GetSchemaStatusAsync()).FoundVersion, Is.EqualTo(7));
        await store.MigrateAsync();
        var again = await store.InsertAsync(NewJob() with { UniqueKey = "old-key" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await store.GetAsync(job.Id), Is.EqualTo(job), "the old row reads as before");
            Assert.That(again.Created, Is.False, "the old unfinished row still holds its unique key");
            Assert.That(again.Job.Id, Is.EqualTo(job.Id));
            Assert.That((await store.GetSchemaStatusAsync()).IsCurrent, Is.True);
        }
    }

    [Test]
    public async Task GetAsync_SchemaMissing_ThrowsJobStoreExceptionSayingMigrate()
    {
        var store = NewStore();

        var exception = await Assert.ThrowsAsync<JobStoreException>(async () => await store.GetAsync(1));

        Assert.That(exception!.Message, Does.Contain("run `jobrunners migrate`"));
        Assert.That(exception.Message, Does.Contain("JobRunners:MigrateOnStartup=true"));
        Assert.That(exception.SchemaMissing, Is.True);
        Assert.That(exception.Message, Does.Contain(_schema));
    }

    [Test]
    public async Task GetAsync_ServerUnreachable_ThrowsJobStoreExceptionNamingHostAndSetting()
    {
        var store = Track(new PostgreSqlJobStore(
            new PostgreSqlStoreOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=postgres;Timeout=3", Schema = _schema }, _time));

        var exception = await Assert.ThrowsAsync<JobStoreException>(async () => await store.GetAsync(1));

        Assert.That(exception!.Message, Does.Contain("127.0.0.1:1"));
        Assert.That(exception.Message, Does.Contain("ConnectionStrings:JobRunners"));
    }

    [TestCase("")]
    [TestCase("1abc")]
    [TestCase("jobs; DROP TABLE x")]
    [TestCase("has\"quote")]
    public void Constructor_InvalidSchema_ThrowsArgumentException(string schema)
    {
        Assert.That(
            () => new PostgreSqlJobStore(new PostgreSqlStoreOptions { ConnectionString = TestServer.ConnectionString, Schema = schema }, _time),
            Throws.ArgumentException.With.Message.Contains("Schema"));
    }

    [Test]
    public void Constructor_EmptyConnectionString_ThrowsArgumentExceptionNamingSetting()
    {
        Assert.That(
            () => new PostgreSqlJobStore(new PostgreSqlStoreOptions(), _time),
            Throws.ArgumentException.With.Message.Contains("ConnectionStrings:JobRunners"));
    }

    [Test]
    public async Task Constructor_ExistingDataSource_UsesItAndLeavesItOpenOnDispose()
    {
        var dataSource = await TestServer.GetDataSourceAsync();
        var store = new PostgreSqlJobStore(dataSource, new PostgreSqlStoreOptions { Schema = _schema }, _time);
        await store.MigrateAsync();
        var job = (await store.InsertAsync(NewJob())).Job;

        await store.DisposeAsync();

        Assert.That(store.Name, Is.EqualTo("postgres"));
        Assert.That(store.Schema, Is.EqualTo(_schema));
        Assert.That(await QueryAsync<long>($"SELECT id FROM \"{_schema}\".job_request"), Is.EqualTo(new[] { job.Id }));
    }

    private static NewJobRequest NewJob() => new() { JobType = "report", QueueName = "report", Payload = """{"n":1}""" };

    private PostgreSqlJobStore NewStore() =>
        Track(new PostgreSqlJobStore(new PostgreSqlStoreOptions { ConnectionString = TestServer.ConnectionString, Schema = _schema }, _time));

    private PostgreSqlJobStore Track(PostgreSqlJobStore store)
    {
        _stores.Add(store);
        return store;
    }

    private static async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        var dataSource = await TestServer.GetDataSourceAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }
}
