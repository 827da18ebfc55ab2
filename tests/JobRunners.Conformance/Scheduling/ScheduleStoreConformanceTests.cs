using System.Text.Json.Nodes;
using JobRunners.Scheduling;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace JobRunners.Conformance.Scheduling;

/// <summary>
/// The behaviour every <see cref="IScheduleStore"/> must have. Derive a fixture and return, from
/// <see cref="CreateStoresAsync"/>, a fresh, migrated schedule store and a job store over the same database. Time is
/// driven by a <see cref="FakeTimeProvider"/>, so the stores must take every timestamp from the one they are given.
/// </summary>
public abstract partial class ScheduleStoreConformanceTests
{
    /// <summary>The fake clock's start, on a whole millisecond (SQLite stores milliseconds).</summary>
    protected static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The lease the tests lead with.</summary>
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);

    /// <summary>The leading scheduler's holder id.</summary>
    protected const string Leader = "scheduler-a";

    /// <summary>Another scheduler's holder id.</summary>
    protected const string Follower = "scheduler-b";

    private FakeTimeProvider? _time;
    private IScheduleStore? _store;
    private IJobStore? _jobs;

    /// <summary>The test's clock.</summary>
    protected FakeTimeProvider Time => _time ?? throw new InvalidOperationException("The stores are created in SetUp.");

    /// <summary>The schedule store under test.</summary>
    protected IScheduleStore Store => _store ?? throw new InvalidOperationException("The stores are created in SetUp.");

    /// <summary>A job store over the same database.</summary>
    protected IJobStore Jobs => _jobs ?? throw new InvalidOperationException("The stores are created in SetUp.");

    /// <summary>Now, on the test's clock.</summary>
    protected DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Creates a fresh, migrated schedule store and a job store over the same database, both on <paramref name="timeProvider"/>.</summary>
    protected abstract ValueTask<(IScheduleStore Schedules, IJobStore Jobs)> CreateStoresAsync(TimeProvider timeProvider);

    /// <summary>Releases the stores after a test; by default disposes whichever is disposable.</summary>
    protected virtual async ValueTask DisposeStoresAsync(IScheduleStore schedules, IJobStore jobs)
    {
        foreach (var store in new object[] { schedules, jobs })
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
    }

    /// <summary>Creates the test's clock and stores.</summary>
    [SetUp]
    public async Task CreateStoresForTestAsync()
    {
        _time = new FakeTimeProvider(Start);
        (_store, _jobs) = await CreateStoresAsync(_time);
    }

    /// <summary>Releases the test's stores.</summary>
    [TearDown]
    public async Task DisposeStoresForTestAsync()
    {
        if (_store is { } store && _jobs is { } jobs)
        {
            _store = null;
            _jobs = null;
            await DisposeStoresAsync(store, jobs);
        }
    }

    [Test]
    public async Task MigrateAsync_CalledAgain_KeepsSchedules()
    {
        var created = await CreateAsync(Interval("nightly"));

        await Store.MigrateAsync();
        await Store.MigrateAsync();

        Assert.That(await Store.GetAsync("nightly"), Is.EqualTo(created));
    }

    [Test]
    public async Task GetAsync_MissingTag_ReturnsNull()
    {
        await CreateAsync(Interval("nightly"));

        Assert.That(await Store.GetAsync("weekly"), Is.Null);
    }

    [Test]
    public async Task ListAsync_SeveralSchedules_OrderedByTag()
    {
        foreach (var tag in new[] { "b-report", "a-cleanup", "c-sync", "B-upper" })
        {
            await CreateAsync(Interval(tag));
        }

        var tags = (await Store.ListAsync()).Select(s => s.Tag);

        Assert.That(tags, Is.EqualTo(new[] { "B-upper", "a-cleanup", "b-report", "c-sync" }));
    }

    [Test]
    public async Task SetPausedAsync_PauseThenResume_StoresFlag()
    {
        await CreateAsync(Interval("nightly"));
        Time.Advance(TimeSpan.FromSeconds(3));

        Assert.That(await Store.SetPausedAsync("nightly", true), Is.True);
        var paused = await GetRequiredAsync("nightly");
        Assert.That(await Store.SetPausedAsync("nightly", false), Is.True);
        var resumed = await GetRequiredAsync("nightly");

        Assert.That(paused.Paused, Is.True);
        Assert.That(paused.UpdatedAt, Is.EqualTo(Now));
        Assert.That(resumed.Paused, Is.False);
        Assert.That(resumed.NextRunAt, Is.EqualTo(paused.NextRunAt));
    }

    [Test]
    public async Task SetPausedAsync_MissingTag_ReturnsFalse()
    {
        Assert.That(await Store.SetPausedAsync("missing", true), Is.False);
    }

    [Test]
    public async Task DeleteAsync_ExistingTag_RemovesOnlyThatSchedule()
    {
        await CreateAsync(Interval("nightly"));
        await CreateAsync(Interval("weekly"));

        Assert.That(await Store.DeleteAsync("nightly"), Is.True);

        Assert.That(await Store.GetAsync("nightly"), Is.Null);
        Assert.That((await Store.ListAsync()).Select(s => s.Tag), Is.EqualTo(new[] { "weekly" }));
        Assert.That(await Store.DeleteAsync("nightly"), Is.False);
    }

    /// <summary>An interval schedule due one minute from the start, every minute.</summary>
    protected static ScheduleDefinition Interval(string tag, int maxExecutions = 0) => new()
    {
        Tag = tag,
        JobType = "send-report",
        Payload = """{"to":"ada@example.com"}""",
        Kind = ScheduleKind.Interval,
        Interval = TimeSpan.FromMinutes(1),
        NextRunAt = Start.AddMinutes(1),
        MaxExecutions = maxExecutions,
    };

    /// <summary>A cron schedule in a time zone, due at 03:00 Paris time.</summary>
    protected static ScheduleDefinition Cron(string tag) => new()
    {
        Tag = tag,
        JobType = "send-report",
        Payload = """{"to":"ada@example.com"}""",
        Kind = ScheduleKind.Cron,
        Cron = "0 3 * * *",
        TimeZone = "Europe/Paris",
        NextRunAt = new DateTimeOffset(2025, 1, 2, 2, 0, 0, TimeSpan.Zero),
    };

    /// <summary>Stores a schedule that must be new.</summary>
    protected async Task<JobSchedule> CreateAsync(ScheduleDefinition definition)
    {
        var result = await Store.UpsertAsync(definition);
        Assert.That(result.Created, Is.True, $"Schedule '{definition.Tag}' should be created.");
        return result.Schedule;
    }

    /// <summary>Reads a schedule that must exist.</summary>
    protected async Task<JobSchedule> GetRequiredAsync(string tag)
    {
        var schedule = await Store.GetAsync(tag);
        Assert.That(schedule, Is.Not.Null, $"Schedule '{tag}' should exist.");
        return schedule!;
    }

    /// <summary>Makes <paramref name="holder"/> the leader.</summary>
    protected async Task LeadAsync(string holder = Leader) =>
        Assert.That(await Store.TryAcquireLeaseAsync(holder, Lease), Is.True, $"{holder} should take the lease.");

    /// <summary>Claims the schedule's current next run for <paramref name="holder"/>, moving it on by one minute.</summary>
    protected async Task<bool> ClaimNextAsync(string tag, string holder = Leader)
    {
        var schedule = await GetRequiredAsync(tag);
        return await Store.TryClaimRunAsync(new ScheduleClaim(tag, schedule.NextRunAt!.Value, schedule.NextRunAt.Value.AddMinutes(1), holder));
    }

    /// <summary>Asserts two JSON texts hold the same value (PostgreSQL's jsonb rewrites spacing and key order).</summary>
    protected static void AssertSameJson(string actual, string expected) =>
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(actual), JsonNode.Parse(expected)), Is.True, $"Expected JSON {expected}, got {actual}.");

    /// <summary>Runs <paramref name="count"/> calls at once, each on its own thread-pool thread.</summary>
    protected static Task<T[]> RunConcurrentlyAsync<T>(int count, Func<int, ValueTask<T>> call) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () => await call(i))));
}
