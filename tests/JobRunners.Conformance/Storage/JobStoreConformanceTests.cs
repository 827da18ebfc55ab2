using JobRunners.Storage;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <summary>
/// The behaviour every <see cref="IJobStore"/> must have. Derive a fixture, return a fresh, migrated, empty store
/// from <see cref="CreateStoreAsync"/>, and run it. Each test drives time through a <see cref="FakeTimeProvider"/>,
/// so the store must take every timestamp from the <see cref="TimeProvider"/> it is given.
/// </summary>
public abstract partial class JobStoreConformanceTests
{
    /// <summary>The fake clock's start, on a whole millisecond (SQLite stores milliseconds).</summary>
    protected static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The lease the tests claim with.</summary>
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>The worker the tests claim as.</summary>
    protected const string Worker = "worker-1";

    private FakeTimeProvider? _time;
    private IJobStore? _store;

    /// <summary>The test's clock.</summary>
    protected FakeTimeProvider Time => _time ?? throw new InvalidOperationException("The store is created in SetUp.");

    /// <summary>The test's store.</summary>
    protected IJobStore Store => _store ?? throw new InvalidOperationException("The store is created in SetUp.");

    /// <summary>Now, on the test's clock.</summary>
    protected DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Creates a fresh, migrated, empty store that takes time from <paramref name="timeProvider"/>.</summary>
    protected abstract ValueTask<IJobStore> CreateStoreAsync(TimeProvider timeProvider);

    /// <summary>Releases a store after its test; by default disposes it when it is disposable.</summary>
    protected virtual async ValueTask DisposeStoreAsync(IJobStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>Creates the test's clock and store.</summary>
    [SetUp]
    public async Task CreateStoreForTestAsync()
    {
        _time = new FakeTimeProvider(Start);
        _store = await CreateStoreAsync(_time);
    }

    /// <summary>Releases the test's store.</summary>
    [TearDown]
    public async Task DisposeStoreForTestAsync()
    {
        if (_store is { } store)
        {
            _store = null;
            await DisposeStoreAsync(store);
        }
    }

    [Test]
    public async Task MigrateAsync_CalledAgain_KeepsRows()
    {
        var job = await InsertAsync();

        await Store.MigrateAsync();
        await Store.MigrateAsync();

        Assert.That(await Store.GetAsync(job.Id), Is.EqualTo(job));
    }

    [Test]
    public async Task GetAsync_MissingId_ReturnsNull()
    {
        var job = await InsertAsync();

        Assert.That(await Store.GetAsync(job.Id + 1000), Is.Null);
    }

    /// <summary>A job with a payload, in a queue named after its type.</summary>
    protected static NewJobRequest NewJob(string jobType = "send-email") =>
        new() { JobType = jobType, QueueName = jobType, Payload = """{"to":"ada@example.com"}""" };

    /// <summary>Inserts a job that must be created.</summary>
    protected async Task<JobRequest> InsertAsync(NewJobRequest? job = null)
    {
        var result = await Store.InsertAsync(job ?? NewJob());
        Assert.That(result.Created, Is.True, "The insert should create a row.");
        return result.Job;
    }

    /// <summary>Claims a row that must be claimable.</summary>
    protected async Task<JobRequest> ClaimAsync(long id, string worker = Worker)
    {
        var result = await Store.TryClaimAsync(id, new JobClaim(worker, Lease));
        Assert.That(result.Status, Is.EqualTo(ClaimStatus.Claimed), $"Row {id} should be claimed by {worker}.");
        return result.Job!;
    }

    /// <summary>Inserts a job and claims it.</summary>
    protected async Task<JobRequest> InsertRunningAsync(NewJobRequest? job = null, string worker = Worker) =>
        await ClaimAsync((await InsertAsync(job)).Id, worker);

    /// <summary>Inserts a job, claims it and ends the attempt with <paramref name="outcome"/>.</summary>
    protected async Task<JobRequest> InsertFinishedAsync(AttemptOutcome outcome, NewJobRequest? job = null)
    {
        var running = await InsertRunningAsync(job);
        Assert.That(await Store.FinishAttemptAsync(running.Id, Worker, Result(outcome)), Is.True);
        return await GetRequiredAsync(running.Id);
    }

    /// <summary>Reads a row that must exist.</summary>
    protected async Task<JobRequest> GetRequiredAsync(long id)
    {
        var job = await Store.GetAsync(id);
        Assert.That(job, Is.Not.Null, $"Row {id} should exist.");
        return job!;
    }

    /// <summary>A valid result for <paramref name="outcome"/>.</summary>
    protected AttemptResult Result(AttemptOutcome outcome) => new()
    {
        Outcome = outcome,
        Error = outcome is AttemptOutcome.Failed or AttemptOutcome.Retry ? "InvalidOperationException: boom" : null,
        RetryAt = outcome == AttemptOutcome.Retry ? Now.AddMinutes(1) : null,
    };

    /// <summary>Runs <paramref name="count"/> calls at once, each on its own thread-pool thread.</summary>
    protected static Task<T[]> RunConcurrentlyAsync<T>(int count, Func<int, ValueTask<T>> call) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () => await call(i))));
}
