using Dapper;

namespace JobRunners.PostgreSql.Tests;

/// <content>Claims racing between separate pools, as between processes, and the queue locks of <c>claim_jobs</c>.</content>
public sealed partial class PostgreSqlJobStoreTests
{
    [Test]
    public async Task ClaimAsync_TwentyClaimersByIdOverFiftyRows_EachRowClaimedExactlyOnce()
    {
        var setup = NewStore();
        await setup.MigrateAsync();
        var ids = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add((await setup.InsertAsync(NewJob())).Job.Id);
        }

        // Each claimer has its own store and pool, as separate processes would: every claim races on its own connection.
        var claimers = Enumerable.Range(0, 20).Select(_ => NewStore()).ToList();
        var won = await Task.WhenAll(claimers.Select((store, worker) => Task.Run(async () =>
        {
            var claimed = new List<long>();
            foreach (var id in ids.OrderBy(_ => Random.Shared.Next()))
            {
                if ((await store.ClaimAsync(ById(id, $"worker-{worker}"))).Count > 0)
                {
                    claimed.Add(id);
                }
            }

            return claimed;
        })));

        Assert.That(won.SelectMany(c => c), Is.EquivalentTo(ids), "every row claimed exactly once");
        var attempts = await QueryAsync<int>($"SELECT attempts FROM \"{_schema}\".job_request");
        Assert.That(attempts, Is.All.EqualTo(1));
    }

    [Test]
    public async Task ClaimAsync_ClaimersByIdRacingOnLockedQueue_NeverRunLockingJobBesideAnother()
    {
        var setup = NewStore();
        await setup.MigrateAsync();
        var ids = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add((await setup.InsertAsync(NewJob() with { QueueName = "tenant-1", LocksQueue = i % 3 == 0 })).Job.Id);
        }

        var overlaps = 0;
        var claimers = Enumerable.Range(0, 8).Select(_ => NewStore()).ToList();
        await Task.WhenAll(claimers.Select((store, worker) => Task.Run(async () =>
        {
            var workerId = $"worker-{worker}";
            while (true)
            {
                var queued = await store.ListQueuedAsync(new QueuedQuery());
                if (queued.Count == 0)
                {
                    return;
                }

                foreach (var job in queued.OrderBy(_ => Random.Shared.Next()))
                {
                    if ((await store.ClaimAsync(ById(job.Id, workerId))).Count == 0)
                    {
                        continue;
                    }

                    var running = await store.ListAsync(new JobQuery { QueueName = "tenant-1", Status = JobStatus.Running });
                    if (running.Count > 1 && running.Any(r => r.LocksQueue))
                    {
                        Interlocked.Increment(ref overlaps);
                    }

                    await store.CompleteAsync([new JobCompletion(job.Id, workerId, JobOutcome.Succeeded)]);
                }
            }
        })));

        Assert.That(overlaps, Is.Zero, "a locking job ran beside another job of its queue");
        Assert.That(await setup.ListAsync(new JobQuery { Status = JobStatus.Succeeded }), Has.Count.EqualTo(12));
    }

    [Test]
    public async Task ClaimAsync_QueueLockHeldByAnotherClaim_SkipsThatQueueWithoutWaiting()
    {
        var store = NewStore();
        await store.MigrateAsync();
        var held = (await store.InsertAsync(NewJob() with { QueueName = "tenant-1" })).Job;
        var free = (await store.InsertAsync(NewJob() with { QueueName = "tenant-2" })).Job;

        // What a claim of a locking job in tenant-1 holds while it runs: the queue's lock, taken exclusively.
        var dataSource = await TestServer.GetDataSourceAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtext(@Space), hashtext(@Queue))", new { Space = _schema, Queue = "tenant-1" }, transaction);

        // Only a guard against a hang: a claim that waited for the lock would wait for this test to go on.
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var whileHeld = await store.ClaimAsync(ByFilter("worker-1"), hang.Token);
        await transaction.RollbackAsync();
        var afterwards = await store.ClaimAsync(ByFilter("worker-1"), hang.Token);

        Assert.That(whileHeld.Select(j => j.Id), Is.EqualTo(new[] { free.Id }));
        Assert.That(afterwards.Select(j => j.Id), Is.EqualTo(new[] { held.Id }));
    }

    [Test]
    public async Task ClaimAsync_SameQueueLockedInOtherSchema_Claims()
    {
        var store = NewStore();
        await store.MigrateAsync();
        var locking = (await store.InsertAsync(NewJob() with { QueueName = "tenant-1", LocksQueue = true })).Job;

        var dataSource = await TestServer.GetDataSourceAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtext(@Space), hashtext(@Queue))", new { Space = TestServer.NewSchemaName(), Queue = "tenant-1" }, transaction);

        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var claimed = await store.ClaimAsync(ByFilter("worker-1"), hang.Token);

        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { locking.Id }), "schemas are separate stores: their queues do not lock each other");
    }

    private static JobClaimRequest ById(long id, string worker) => new() { WorkerId = worker, Lease = Lease, Ids = [id] };

    private static JobClaimRequest ByFilter(string worker) => new() { WorkerId = worker, Lease = Lease, Limit = 10 };
}
