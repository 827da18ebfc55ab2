using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace JobRunners.Sqlite.Tests;

/// <summary>What only the SQLite store does: its file, its migrations, and writers in several threads.</summary>
[TestFixture]
public sealed class SqliteJobStoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private TempDatabase _database = null!;

    [SetUp]
    public void SetUp() => _database = new TempDatabase();

    [TearDown]
    public void TearDown() => _database.Delete();

    [Test]
    public void DefaultPath_IsJobRunnersDbUnderLocalApplicationData()
    {
        var expected = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "JobRunners", "jobrunners.db");

        Assert.That(SqliteStoreOptions.DefaultPath, Is.EqualTo(expected));
        Assert.That(new SqliteStoreOptions().Path, Is.EqualTo(expected));
    }

    [Test]
    public void Constructor_RelativePath_ResolvesToFullPath()
    {
        var store = new SqliteJobStore(new SqliteStoreOptions { Path = "jobs.db" }, _time);

        Assert.That(store.DatabasePath, Is.EqualTo(Path.GetFullPath("jobs.db")));
        Assert.That(store.Name, Is.EqualTo("sqlite"));
    }

    [Test]
    public void Constructor_EmptyPath_ThrowsArgumentException()
    {
        Assert.That(() => new SqliteJobStore(new SqliteStoreOptions { Path = " " }, _time), Throws.ArgumentException);
    }

    [Test]
    public async Task MigrateAsync_MissingDirectory_CreatesDirectoryAndFile()
    {
        var nested = Path.Combine(_database.Directory, "a", "b", "jobs.db");
        var store = new SqliteJobStore(new SqliteStoreOptions { Path = nested }, _time);

        await store.MigrateAsync();

        Assert.That(File.Exists(nested), Is.True);
    }

    [Test]
    public async Task MigrateAsync_CalledTwice_AppliesEachVersionOnce()
    {
        var store = new SqliteJobStore(_database.Options, _time);

        await store.MigrateAsync();
        await store.MigrateAsync();

        using var connection = _database.OpenConnection();
        var versions = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
        Assert.That(versions, Is.EqualTo(SqliteMigrations.All.Select(m => (long)m.Version)));
    }

    [Test]
    public async Task MigrateAsync_ConcurrentInstances_AllSucceedAndApplyOnce()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => new SqliteJobStore(_database.Options, _time)).ToList();

        await Task.WhenAll(stores.Select(store => Task.Run(async () => await store.MigrateAsync())));

        using var connection = _database.OpenConnection();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations"), Is.EqualTo(SqliteMigrations.All.Count));
        var inserted = await stores[3].InsertAsync(new NewJobRequest { JobType = "a", QueueName = "a", Payload = "{}" });
        Assert.That(inserted.Created, Is.True);
    }

    [Test]
    public async Task MigrateAsync_NewDatabase_UsesWriteAheadLog()
    {
        await new SqliteJobStore(_database.Options, _time).MigrateAsync();

        using var connection = _database.OpenConnection();
        Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
    }

    [Test]
    public async Task GetAsync_SchemaMissing_ThrowsJobStoreExceptionSayingMigrate()
    {
        var store = new SqliteJobStore(_database.Options, _time);

        var exception = await Assert.ThrowsAsync<JobStoreException>(async () => await store.GetAsync(1));

        Assert.That(exception!.Message, Does.Contain("run `jobrunners migrate`"));
        Assert.That(exception.Message, Does.Contain("JobRunners:MigrateOnStartup=true"));
        Assert.That(exception.SchemaMissing, Is.True);
        Assert.That(exception.Message, Does.Contain(_database.FilePath));
    }

    [Test]
    public async Task ScheduleStoreListAsync_SchemaMissing_ReportsMissingSchemaLikeTheJobStore()
    {
        var store = new SqliteScheduleStore(_database.Options, _time);

        var exception = await Assert.ThrowsAsync<JobStoreException>(async () => await store.ListAsync());

        Assert.That(exception!.SchemaMissing, Is.True);
        Assert.That(exception.Message, Does.Contain("schedule tables are missing").And.Contain("run `jobrunners migrate`"));
    }

    [Test]
    public async Task InsertAsync_Timestamps_StoredAsUnixMillisecondsInteger()
    {
        var store = new SqliteJobStore(_database.Options, _time);
        await store.MigrateAsync();
        _time.Advance(TimeSpan.FromMilliseconds(1234));

        var job = (await store.InsertAsync(new NewJobRequest { JobType = "a", QueueName = "a", Payload = "{}", LocksQueue = true })).Job;

        using var connection = _database.OpenConnection();
        var row = await connection.QuerySingleAsync<(string Type, long CreatedAt, long LocksQueue, string Status)>(
            "SELECT typeof(created_at), created_at, locks_queue, status FROM job_request WHERE id = @Id", new { job.Id });
        Assert.That(row.Type, Is.EqualTo("integer"));
        Assert.That(row.CreatedAt, Is.EqualTo(_time.GetUtcNow().ToUnixTimeMilliseconds()));
        Assert.That(row.LocksQueue, Is.EqualTo(1));
        Assert.That(row.Status, Is.EqualTo("queued"));
    }

    [Test]
    public async Task ClaimAsync_WritersInSeveralStoreInstances_EachRowClaimedOnceWithoutLockErrors()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => new SqliteJobStore(_database.Options, _time)).ToList();
        await stores[0].MigrateAsync();
        var ids = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add((await stores[i % 4].InsertAsync(new NewJobRequest { JobType = "a", QueueName = "a", Payload = "{}" })).Job.Id);
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var store = stores[worker % 4];
            var workerId = $"worker-{worker}";
            var won = new List<long>();
            foreach (var id in ids.OrderBy(_ => Random.Shared.Next()))
            {
                var claimed = await store.ClaimAsync(new JobClaimRequest { WorkerId = workerId, Lease = Lease, Ids = [id] });
                if (claimed.Count > 0)
                {
                    won.Add(id);
                    await store.CompleteAsync([new JobCompletion(id, workerId, JobOutcome.Succeeded)]);
                }
            }

            return won;
        })));

        Assert.That(claims.SelectMany(c => c), Is.EquivalentTo(ids));
        Assert.That(await stores[1].ListAsync(new JobQuery { Status = JobStatus.Succeeded, Limit = 100 }), Has.Count.EqualTo(40));
    }

    [Test]
    public async Task ClaimAsync_ByFilterFromSeveralStoreInstances_EachRowClaimedOnceWithoutLockErrors()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => new SqliteJobStore(_database.Options, _time)).ToList();
        await stores[0].MigrateAsync();
        var inserted = await stores[0].InsertManyAsync(
            Enumerable.Range(0, 120).Select(i => new NewJobRequest { JobType = "a", QueueName = i % 2 == 0 ? "a" : "b", Payload = "{}" }).ToList());

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var store = stores[worker % 4];
            var workerId = $"worker-{worker}";
            var won = new List<long>();
            while (await store.ClaimAsync(new JobClaimRequest { WorkerId = workerId, Lease = Lease, Limit = 4 }) is { Count: > 0 } batch)
            {
                won.AddRange(batch.Select(j => j.Id));
                var written = await store.CompleteAsync(batch.Select(j => new JobCompletion(j.Id, workerId, JobOutcome.Succeeded)).ToList());
                Assert.That(written, Has.Count.EqualTo(batch.Count));
            }

            return won;
        })));

        Assert.That(claims.SelectMany(c => c), Is.EquivalentTo(inserted.Select(r => r.Job.Id)));
        Assert.That(await stores[2].ListAsync(new JobQuery { Status = JobStatus.Succeeded, Limit = 200 }), Has.Count.EqualTo(120));
    }
}
