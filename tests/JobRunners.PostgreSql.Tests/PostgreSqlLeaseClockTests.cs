using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace JobRunners.PostgreSql.Tests;

/// <summary>Leases timed by the database's clock: hosts whose clocks disagree still agree on when a lease lapses.</summary>
[TestFixture]
public sealed class PostgreSqlLeaseClockTests
{
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
        await TestServer.DropSchemaAsync(_schema);
    }

    [Test]
    public async Task Finding06_HostClockFarAhead_DoesNotRescueLiveLease()
    {
        var worker = await NewStoreAsync(TimeProvider.System);
        var aheadHost = await NewStoreAsync(new SkewedClock(TimeSpan.FromHours(1)), PostgreSqlLeaseClock.Database);
        var job = (await worker.InsertAsync(new NewJobRequest { JobType = "export", QueueName = "export", Payload = "{}", MaxAttempts = 3 })).Job;
        var claimed = await worker.ClaimAsync(new JobClaimRequest { WorkerId = "worker-1", Lease = TimeSpan.FromMinutes(5), Ids = [job.Id] });
        Assert.That(claimed, Has.Count.EqualTo(1));

        var sweep = await aheadHost.SweepAsync(new SweepRequest { UndispatchedBefore = DateTimeOffset.UtcNow });
        var rescued = await aheadHost.RescueExpiredLeasesAsync();

        Assert.That(sweep.Rescued, Is.Empty, "an hour-fast clock must not see a five-minute lease as lapsed");
        Assert.That(rescued, Is.Empty);
        Assert.That((await worker.GetAsync(job.Id))!.Status, Is.EqualTo(JobStatus.Running));
    }

    [Test]
    public async Task LeaseClockDatabase_HostClockFarBehind_ExtendsOnTheDatabaseClock()
    {
        var behindHost = await NewStoreAsync(new SkewedClock(TimeSpan.FromHours(-1)), PostgreSqlLeaseClock.Database);
        var job = (await behindHost.InsertAsync(new NewJobRequest { JobType = "export", QueueName = "export", Payload = "{}", MaxAttempts = 3 })).Job;
        await behindHost.ClaimAsync(new JobClaimRequest { WorkerId = "worker-1", Lease = TimeSpan.FromMinutes(5), Ids = [job.Id] });

        Assert.That(await behindHost.ExtendLeasesAsync([job.Id], "worker-1", TimeSpan.FromMinutes(5)), Is.EqualTo(new[] { job.Id }));

        var leaseEnd = (await behindHost.GetAsync(job.Id))!.LockedUntil!.Value;
        Assert.That(leaseEnd, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(4)), "the lease ends five minutes after the database's now, not the host's");
    }

    [Test]
    public async Task LeaseClockDatabase_LeaseLapsed_RescuedWhateverTheHostClockSays()
    {
        var worker = await NewStoreAsync(TimeProvider.System);
        var behindHost = await NewStoreAsync(new SkewedClock(TimeSpan.FromHours(-1)), PostgreSqlLeaseClock.Database);
        var job = (await worker.InsertAsync(new NewJobRequest { JobType = "export", QueueName = "export", Payload = "{}", MaxAttempts = 3 })).Job;
        await worker.ClaimAsync(new JobClaimRequest { WorkerId = "worker-1", Lease = TimeSpan.FromMilliseconds(50), Ids = [job.Id] });

        // Sleep on the database until its own clock has passed the lease's end, then sweep once.
        var dataSource = await TestServer.GetDataSourceAsync();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                $"SELECT pg_sleep(greatest(0, extract(epoch FROM locked_until - clock_timestamp())) + 0.001) FROM \"{_schema}\".job_request WHERE id = @Id",
                new { Id = job.Id });
        }

        var rescued = (await behindHost.SweepAsync(new SweepRequest())).Rescued;

        Assert.That(rescued.Select(r => (r.Id, r.Status)), Is.EqualTo(new[] { (job.Id, JobStatus.Queued) }));
    }

    [Test]
    public async Task LeaseClockAuto_FakeClock_LeasesFollowIt()
    {
        var fake = await NewStoreAsync(new FakeTimeProvider());
        var system = await NewStoreAsync(TimeProvider.System);

        Assert.That((fake.LeasesOnDatabaseClock, system.LeasesOnDatabaseClock), Is.EqualTo((false, true)));
    }

    private async Task<PostgreSqlJobStore> NewStoreAsync(TimeProvider time, PostgreSqlLeaseClock clock = PostgreSqlLeaseClock.Auto)
    {
        var store = new PostgreSqlJobStore(await TestServer.GetDataSourceAsync(), new PostgreSqlStoreOptions { Schema = _schema, LeaseClock = clock }, time);
        _stores.Add(store);
        await store.MigrateAsync();
        return store;
    }

    /// <summary>A host whose clock is off by a fixed amount.</summary>
    private sealed class SkewedClock(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + skew;
    }
}
