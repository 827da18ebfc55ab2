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

    /// <summary>A claim of the row <paramref name="id"/> alone, the way a worker claims a row a queue delivered.</summary>
    protected static JobClaimRequest ClaimById(long id, string worker = Worker) =>
        new() { WorkerId = worker, Lease = Lease, Ids = [id] };

    /// <summary>A claim of any due rows, the way a polling worker claims.</summary>
    protected static JobClaimRequest ClaimDue(int limit = 1, string worker = Worker) =>
        new() { WorkerId = worker, Lease = Lease, Limit = limit };

    /// <summary>Claims a row by id that must be claimable.</summary>
    protected async Task<JobRequest> ClaimAsync(long id, string worker = Worker)
    {
        var claimed = await Store.ClaimAsync(ClaimById(id, worker));
        Assert.That(claimed.Select(j => j.Id), Is.EqualTo(new[] { id }), $"Row {id} should be claimed by {worker}.");
        return claimed[0];
    }

    /// <summary>Claims a row by id; null when the store did not claim it.</summary>
    protected async Task<JobRequest?> ClaimOrNullAsync(long id, string worker = Worker)
    {
        var claimed = await Store.ClaimAsync(ClaimById(id, worker));
        Assert.That(claimed.Select(j => j.Id), Is.Empty.Or.EqualTo(new[] { id }), "A claim by id returns that row or nothing.");
        return claimed.Count == 0 ? null : claimed[0];
    }

    /// <summary>Inserts a job and claims it.</summary>
    protected async Task<JobRequest> InsertRunningAsync(NewJobRequest? job = null, string worker = Worker) =>
        await ClaimAsync((await InsertAsync(job)).Id, worker);

    /// <summary>Inserts a job, claims it and ends the attempt with an outcome of <paramref name="kind"/>.</summary>
    protected async Task<JobRequest> InsertFinishedAsync(JobOutcomeKind kind, NewJobRequest? job = null)
    {
        var running = await InsertRunningAsync(job);
        Assert.That(await CompleteAsync(running.Id, Outcome(kind)), Is.True, $"The {kind} outcome of row {running.Id} should be written.");
        return await GetRequiredAsync(running.Id);
    }

    /// <summary>Writes one attempt's outcome as <paramref name="worker"/>; true when the store wrote it.</summary>
    protected Task<bool> CompleteAsync(long id, JobOutcome outcome, string worker = Worker) =>
        CompleteAsync(new JobCompletion(id, worker, outcome));

    /// <summary>Writes one completion; true when the store wrote it.</summary>
    protected async Task<bool> CompleteAsync(JobCompletion completion)
    {
        var written = await Store.CompleteAsync([completion]);
        Assert.That(written, Is.Empty.Or.EqualTo(new[] { completion.Id }), "A completion returns its own id or nothing.");
        return written.Count == 1;
    }

    /// <summary>Reads a row that must exist.</summary>
    protected async Task<JobRequest> GetRequiredAsync(long id)
    {
        var job = await Store.GetAsync(id);
        Assert.That(job, Is.Not.Null, $"Row {id} should exist.");
        return job!;
    }

    /// <summary>A valid outcome of <paramref name="kind"/>: failures and retries carry an error, retries run a minute from now.</summary>
    protected JobOutcome Outcome(JobOutcomeKind kind) => kind switch
    {
        JobOutcomeKind.Succeeded => JobOutcome.Succeeded,
        JobOutcomeKind.Failed => JobOutcome.Failed("InvalidOperationException: boom"),
        JobOutcomeKind.Cancelled => JobOutcome.Cancelled(),
        JobOutcomeKind.Retry => JobOutcome.Retry(Now.AddMinutes(1), "InvalidOperationException: boom"),
        JobOutcomeKind.Released => JobOutcome.Released,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an outcome a store writes."),
    };

    /// <summary>Runs <paramref name="count"/> calls at once, each on its own thread-pool thread.</summary>
    protected static Task<T[]> RunConcurrentlyAsync<T>(int count, Func<int, ValueTask<T>> call) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () => await call(i))));
}
