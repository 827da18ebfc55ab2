using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace JobRunners.Sqlite.Tests;

/// <summary>The schema status a health check reads, and the trace columns added to a file that already holds rows.</summary>
[TestFixture]
public sealed class SqliteJobStoreHealthTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private TempDatabase _database = null!;

    [SetUp]
    public void SetUp() => _database = new TempDatabase();

    [TearDown]
    public void TearDown() => _database.Delete();

    [Test]
    public async Task GetSchemaStatusAsync_FileMissing_FindsNothingAndCreatesNoFile()
    {
        var store = new SqliteJobStore(_database.Options, _time);

        var status = await store.GetSchemaStatusAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.EqualTo(new StoreSchemaStatus(0, SqliteMigrations.Latest)));
            Assert.That(status.MigrationsPending, Is.True);
            Assert.That(File.Exists(_database.FilePath), Is.False);
        }
    }

    [Test]
    public async Task GetSchemaStatusAsync_EmptyFile_FindsNothing()
    {
        // An empty file is an empty SQLite database.
        Directory.CreateDirectory(_database.Directory);
        await File.WriteAllBytesAsync(_database.FilePath, []);

        var status = await new SqliteJobStore(_database.Options, _time).GetSchemaStatusAsync();

        Assert.That(status.FoundVersion, Is.Zero);
    }

    [Test]
    public async Task GetSchemaStatusAsync_AfterMigrate_FindsTheLatestVersion()
    {
        var store = new SqliteJobStore(_database.Options, _time);
        await store.MigrateAsync();

        var status = await store.GetSchemaStatusAsync();

        Assert.That(status, Is.EqualTo(new StoreSchemaStatus(SqliteMigrations.Latest, SqliteMigrations.Latest)));
        Assert.That(status.IsCurrent, Is.True);
    }

    [Test]
    public async Task GetSchemaStatusAsync_NotADatabase_ThrowsJobStoreExceptionNamingTheFile()
    {
        Directory.CreateDirectory(_database.Directory);
        await File.WriteAllTextAsync(_database.FilePath, new string('x', 4096));
        var store = new SqliteJobStore(_database.Options, _time);

        var exception = await Assert.ThrowsAsync<JobStoreException>(async () => await store.GetSchemaStatusAsync());

        Assert.That(exception!.Message, Does.Contain(_database.FilePath).And.Contain("not a SQLite database"));
    }

    [Test]
    public async Task MigrateAsync_FileWithRowsBeforeTraceRetriesAndIdentityColumns_AddsThemAndKeepsTheRows()
    {
        var store = new SqliteJobStore(_database.Options, _time);
        await store.MigrateAsync();
        var job = (await store.InsertAsync(NewJob() with { UniqueKey = "old-key" })).Job;
        using (var connection = _database.OpenConnection())
        {
            await connection.ExecuteAsync("""
                DROP INDEX ux_job_request_identity;
                CREATE UNIQUE INDEX ux_job_request_type_unique_key ON job_request (job_type, unique_key)
                    WHERE unique_key IS NOT NULL AND status IN ('queued', 'running');
                ALTER TABLE job_request DROP COLUMN unique_until;
                ALTER TABLE job_request DROP COLUMN unique_held;
                ALTER TABLE job_request DROP COLUMN unique_per_queue;
                DROP INDEX ix_job_request_status_id;
                DROP INDEX ix_job_request_type_status_id;
                DROP INDEX ix_job_request_created;
                ALTER TABLE job_request DROP COLUMN retries;
                ALTER TABLE job_request DROP COLUMN trace_parent;
                ALTER TABLE job_request DROP COLUMN trace_state;
                DELETE FROM schema_migrations WHERE version IN (6, 7, 8);
                """);
        }

        Assert.That((await store.GetSchemaStatusAsync()).FoundVersion, Is.EqualTo(4));
        await store.MigrateAsync();
        var traced = (await store.InsertAsync(NewJob() with { TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" })).Job;
        var sameKey = await store.InsertAsync(NewJob() with { UniqueKey = "old-key" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await store.GetAsync(job.Id), Is.EqualTo(job), "the old row reads as before, with no trace, no retries and its key held while unfinished");
            Assert.That(sameKey.Created, Is.False, "the old unfinished row still holds its unique key");
            Assert.That(sameKey.Job.Id, Is.EqualTo(job.Id));
            Assert.That((await store.GetAsync(traced.Id))!.TraceParent, Does.StartWith("00-4bf92f"));
            Assert.That((await store.GetSchemaStatusAsync()).IsCurrent, Is.True);
        }
    }

    private static NewJobRequest NewJob() => new() { JobType = "report", QueueName = "report", Payload = """{"n":1}""" };
}
