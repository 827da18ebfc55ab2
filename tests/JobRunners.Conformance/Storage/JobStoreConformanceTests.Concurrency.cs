using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>Claims racing each other: each row goes to one worker, and queue locks hold.</content>
public abstract partial class JobStoreConformanceTests
{
    [Test]
    public async Task ClaimAsync_ConcurrentClaimersOfOneRow_ExactlyOneWins()
    {
        var job = await InsertAsync();

        var results = await RunConcurrentlyAsync(10, i => Store.ClaimAsync(ClaimById(job.Id, $"worker-{i}")));

        var winners = results.Where(r => r.Count > 0).ToList();
        Assert.That(winners, Has.Count.EqualTo(1));
        Assert.That(winners[0].Select(j => j.Id), Is.EqualTo(new[] { job.Id }));
        var stored = await GetRequiredAsync(job.Id);
        Assert.That(stored.Attempts, Is.EqualTo(1));
        Assert.That(stored.LockedBy, Is.EqualTo(winners[0][0].LockedBy));
    }

    [Test]
    public async Task ClaimAsync_ConcurrentClaimsOfLockingJobsInOneQueue_OnlyOneRuns()
    {
        for (var round = 0; round < 5; round++)
        {
            var jobs = new List<JobRequest>();
            for (var i = 0; i < 4; i++)
            {
                jobs.Add(await InsertAsync(NewJob() with { QueueName = $"locked-{round}", LocksQueue = true }));
            }

            var results = await RunConcurrentlyAsync(jobs.Count, i => Store.ClaimAsync(ClaimById(jobs[i].Id, $"worker-{i}")));

            Assert.That(results.Count(r => r.Count > 0), Is.EqualTo(1), $"round {round}");
            var running = await Store.ListAsync(new JobQuery { QueueName = $"locked-{round}", Status = JobStatus.Running });
            Assert.That(running, Has.Count.EqualTo(1), $"round {round}");
        }
    }

    [Test]
    public async Task ClaimAsync_ConcurrentLockingAndOrdinaryClaims_NeverRunTogether()
    {
        for (var round = 0; round < 5; round++)
        {
            var queue = $"mixed-{round}";
            var jobs = new List<JobRequest> { await InsertAsync(NewJob() with { QueueName = queue, LocksQueue = true }) };
            for (var i = 0; i < 3; i++)
            {
                jobs.Add(await InsertAsync(NewJob() with { QueueName = queue }));
            }

            await RunConcurrentlyAsync(jobs.Count, i => Store.ClaimAsync(ClaimById(jobs[i].Id, $"worker-{i}")));

            var running = await Store.ListAsync(new JobQuery { QueueName = queue, Status = JobStatus.Running });
            Assert.That(running, Is.Not.Empty, $"round {round}");
            if (running.Any(j => j.LocksQueue))
            {
                Assert.That(running, Has.Count.EqualTo(1), $"round {round}: a locking job ran beside another job");
            }
        }
    }

    [Test]
    public async Task ClaimAsync_TwentyClaimersByFilterOverThreeHundredRows_EachRowClaimedExactlyOnce()
    {
        var inserted = await Store.InsertManyAsync(Enumerable.Range(0, 300).Select(i => NewJob() with { Priority = i % 3 }).ToList());
        var ids = inserted.Select(r => r.Job.Id).ToList();

        // Each claimer stops at its first empty claim: rows another claimer has locked mid-claim are claimed by it.
        var batches = await RunConcurrentlyAsync(20, async i =>
        {
            var mine = new List<JobRequest>();
            while (await Store.ClaimAsync(ClaimDue(limit: 5, worker: $"worker-{i}")) is { Count: > 0 } batch)
            {
                Assert.That(batch, Has.Count.LessThanOrEqualTo(5));
                mine.AddRange(batch);

                // Lets the other claimers in between claims, also where the store's calls finish synchronously.
                await Task.Yield();
            }

            return mine;
        });

        var claimed = batches.SelectMany(b => b).ToList();
        Assert.That(claimed.Select(j => j.Id), Is.EquivalentTo(ids), "every row claimed exactly once");
        var stored = (await Store.GetManyAsync(ids)).ToDictionary(j => j.Id);
        using (Assert.EnterMultipleScope())
        {
            foreach (var job in claimed)
            {
                Assert.That(stored[job.Id].LockedBy, Is.EqualTo(job.LockedBy), $"row {job.Id} is held by the claimer it was returned to");
                Assert.That(stored[job.Id].Attempts, Is.EqualTo(1), $"row {job.Id}");
            }

            Assert.That(await Store.ListQueuedAsync(new QueuedQuery()), Is.Empty);
        }
    }

    [Test]
    public async Task ClaimAsync_ClaimersCompletingLockingAndOrdinaryJobs_NeverRunLockingJobBesideAnother()
    {
        const int claimers = 6;
        const int total = 90;
        await Store.InsertManyAsync(Enumerable.Range(0, total)
            .Select(i => NewJob() with { QueueName = i % 2 == 0 ? "tenant-1" : "tenant-2", LocksQueue = i % 3 == 0, MaxAttempts = 2 })
            .ToList());
        var watch = new QueueLockWatch();
        var signal = new ProgressSignal();
        var succeeded = 0;
        var idle = 0;

        // Only a guard against a hang: a store that stops handing out rows fails here instead of never ending.
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        async ValueTask<string> ClaimAndCompleteUntilDoneAsync(string worker)
        {
            while (Volatile.Read(ref succeeded) < total)
            {
                var changed = signal.Next;
                var claimed = await Store.ClaimAsync(ClaimDue(limit: 3, worker: worker));
                if (claimed.Count == 0)
                {
                    // Nothing claimable: a queue is held, or other claimers have the rows. Wait until one of them claims
                    // or completes something; the last claimer to find nothing retries, as nobody else would wake it.
                    if (Interlocked.Increment(ref idle) < claimers)
                    {
                        await changed.WaitAsync(hang.Token);
                    }

                    Interlocked.Decrement(ref idle);
                    continue;
                }

                watch.Claimed(worker, claimed);
                signal.Pulse();

                // Hold the rows past a yield: a store whose calls finish synchronously (SQLite) would otherwise let
                // each claimer claim and complete in one time slice, and no claim would ever meet a running row.
                await Task.Yield();
                watch.CheckRunning(await Store.ListAsync(new JobQuery { Status = JobStatus.Running, Limit = total }));
                watch.Finishing(claimed);

                // Some rows fail their first attempt and come back at once, so rows are claimed again mid-run.
                var completions = claimed
                    .Select(j => new JobCompletion(j.Id, worker, j.Id % 5 == 0 && j.Attempts == 1 ? JobOutcome.Retry(Now, "IOException: again") : JobOutcome.Succeeded))
                    .ToList();
                var written = await Store.CompleteAsync(completions);
                if (written.Count != completions.Count)
                {
                    watch.Breaches.Enqueue($"{worker} held rows {string.Join(", ", claimed.Select(j => j.Id))} but wrote only {string.Join(", ", written)}");
                }

                Interlocked.Add(ref succeeded, completions.Count(c => c.Outcome.Kind == JobOutcomeKind.Succeeded));
                signal.Pulse();
            }

            return worker;
        }

        await RunConcurrentlyAsync(claimers, async i =>
        {
            try
            {
                return await ClaimAndCompleteUntilDoneAsync($"claimer-{i}");
            }
            catch
            {
                // One claimer failing must not leave the others waiting for progress that will not come.
                await hang.CancelAsync();
                throw;
            }
        });

        Assert.That(watch.Breaches, Is.Empty);
        Assert.That(await Store.ListAsync(new JobQuery { Status = JobStatus.Succeeded, Limit = total }), Has.Count.EqualTo(total));
    }
}
