using JobRunners.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace JobRunners.Tests.Hosting;

/// <summary>
/// The maintenance round's outbox and reconciler on a fake clock, over a real SQLite store, with a transport that
/// records what it is handed (nothing runs, so each round's sends are exactly what the rules say).
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class ReconcilerTests
{
    private const string Job = "export";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"jobrunners-reconcile-{Guid.NewGuid():N}.db");
    private ServiceProvider? _services;

    [TearDown]
    public void TearDown()
    {
        _services?.Dispose();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(_path + suffix);
            }
            catch (IOException)
            {
                // Still open by a pooled connection; the temp directory is cleaned by the OS.
            }
        }
    }

    [Test]
    public async Task Finding10_LambdaRetryHandedBackToOutbox_SentByTheFirstRoundOnceDue()
    {
        var (maintenance, store, runner) = await StartAsync(new JobTransportTraits { SendsOnlyDueRows = true });
        var row = await InsertAsync(store, dispatched: true);

        // The function ran attempt 1 and handed the retry back to the outbox, due in 2 s: well inside the 30 s grace.
        await store.ClaimOneAsync(row.Id, "function", TimeSpan.FromMinutes(1));
        await store.CompleteOneAsync(row.Id, "function", JobOutcome.Retry(_time.GetUtcNow().AddSeconds(2), "boom"), returnToOutbox: true);
        _time.Advance(TimeSpan.FromSeconds(1));
        await maintenance.RunOnceAsync();
        Assert.That(runner.Sent, Is.Empty, "not due yet");

        _time.Advance(TimeSpan.FromSeconds(1));
        var round = await maintenance.RunOnceAsync();

        Assert.That(runner.Sent, Is.EqualTo(new[] { row.Id }), "sent as soon as due, not after OutboxGrace");
        Assert.That(round.Resent, Is.EqualTo(1));
    }

    [Test]
    public async Task Finding01_SentButUnclaimedForRedeliverAfter_SentAgainOnce()
    {
        var (maintenance, store, runner) = await StartAsync(JobTransportTraits.Default);
        var row = await InsertAsync(store, dispatched: true);

        _time.Advance(TimeSpan.FromMinutes(14));
        await maintenance.RunOnceAsync();
        Assert.That(runner.Sent, Is.Empty, "within the re-delivery window");

        _time.Advance(TimeSpan.FromMinutes(1));
        var round = await maintenance.RunOnceAsync();
        await maintenance.RunOnceAsync();

        Assert.That(runner.Sent, Is.EqualTo(new[] { row.Id }), "sent once; the new mark restarts the window");
        Assert.That(round.Redelivered, Is.EqualTo(1));
        Assert.That((await store.GetAsync(row.Id))!.DispatchedAt, Is.EqualTo(_time.GetUtcNow()));
    }

    [Test]
    public async Task Reconcile_RetryDueLaterThanItsSend_WindowCountsFromWhenItWasDue()
    {
        var (maintenance, store, runner) = await StartAsync(JobTransportTraits.Default);
        var row = await InsertAsync(store, dispatched: true);
        await store.ClaimOneAsync(row.Id, "sqs-worker", TimeSpan.FromMinutes(1));
        await store.CompleteOneAsync(row.Id, "sqs-worker", JobOutcome.Retry(_time.GetUtcNow().AddMinutes(20), "boom"));

        // Its message comes back by itself when due; only one unclaimed for the window after that is lost.
        _time.Advance(TimeSpan.FromMinutes(30));
        await maintenance.RunOnceAsync();
        Assert.That(runner.Sent, Is.Empty);

        _time.Advance(TimeSpan.FromMinutes(5));
        await maintenance.RunOnceAsync();
        Assert.That(runner.Sent, Is.EqualTo(new[] { row.Id }));
    }

    [Test]
    public async Task Reconcile_RowMarkedBeforeItWasDue_SentOnceDueWhenRunnerSendsOnlyDueRows()
    {
        var (maintenance, store, runner) = await StartAsync(new JobTransportTraits { SendsOnlyDueRows = true });
        var row = await InsertAsync(store, dispatched: true, runAt: _time.GetUtcNow().AddSeconds(5));

        await maintenance.RunOnceAsync();
        Assert.That(runner.Sent, Is.Empty);
        _time.Advance(TimeSpan.FromSeconds(5));
        await maintenance.RunOnceAsync();

        Assert.That(runner.Sent, Is.EqualTo(new[] { row.Id }));
    }

    [Test]
    public async Task Reconcile_RowsAreTheQueue_DispatchedRowsNeverSentAgain()
    {
        var (maintenance, store, runner) = await StartAsync(new JobTransportTraits { AcceptsOnWrite = true, MessagesCanBeLost = false });
        await InsertAsync(store, dispatched: true);

        _time.Advance(TimeSpan.FromHours(2));
        await maintenance.RunOnceAsync();

        Assert.That(runner.Sent, Is.Empty, "its workers read the rows themselves");
    }

    [Test]
    public async Task Finding16_RowsAnotherRunnerAccepted_AdoptedOnceTheRunnerCanHoldThem()
    {
        // Re-sending lost messages off, so the second round's sends are adoptions only.
        var (maintenance, store, runner) = await StartAsync(new JobTransportTraits { MaxNativeDelay = TimeSpan.FromMinutes(15) }, ("JobRunners:RedeliverAfter", "00:00:00"));
        var due = await InsertAsync(store, dispatched: true, runner: "azure-queue");
        var soon = await InsertAsync(store, dispatched: true, runner: "azure-queue", runAt: _time.GetUtcNow().AddMinutes(10));
        var later = await InsertAsync(store, dispatched: true, runner: "azure-queue", runAt: _time.GetUtcNow().AddHours(2));
        var otherType = await InsertAsync(store, dispatched: true, runner: "azure-queue", jobType: "not-registered-here");

        var round = await maintenance.RunOnceAsync();

        Assert.That(runner.Sent, Is.EqualTo(new[] { due.Id, soon.Id }), "held with its delay where the backend can");
        Assert.That(round.Adopted, Is.EqualTo(2));
        Assert.That((await store.GetAsync(due.Id))!.Runner, Is.EqualTo(RecordingTransport.RunnerName));
        Assert.That((await store.GetAsync(otherType.Id))!.Runner, Is.EqualTo("azure-queue"), "a type this process cannot run is left for one that can");

        _time.Advance(TimeSpan.FromHours(2));
        await maintenance.RunOnceAsync();
        Assert.That(runner.Sent, Is.EqualTo(new[] { due.Id, soon.Id, later.Id }));
    }

    [Test]
    public async Task Reconcile_AdoptOtherRunnersOff_LeavesTheirRows()
    {
        var (maintenance, store, runner) = await StartAsync(JobTransportTraits.Default, ("JobRunners:AdoptOtherRunners", "false"));
        await InsertAsync(store, dispatched: true, runner: "aws-sqs");

        await maintenance.RunOnceAsync();

        Assert.That(runner.Sent, Is.Empty);
    }

    [Test]
    public void Validate_NegativeRedeliverAfter_Reported()
    {
        var problems = new JobRunnersOptions { RedeliverAfter = TimeSpan.FromSeconds(-1) }.Validate();

        Assert.That(problems, Has.Some.Contains("RedeliverAfter"));
    }

    private async Task<(JobMaintenance Maintenance, IJobStore Store, RecordingTransport Runner)> StartAsync(JobTransportTraits traits, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = RecordingTransport.RunnerName,
            ["JobRunners:Sqlite:Path"] = _path,
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(new RecordingTransport(traits));
        services.AddJobRunners(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), jobs => jobs
            .UseSqlite()
            .AddRunner<RecordingTransport>(RecordingTransport.RunnerName)
            .AddJob<string>(Job, (_, _, _) => ValueTask.CompletedTask));
        _services = services.BuildServiceProvider();
        var store = _services.GetRequiredService<IJobStore>();
        await store.MigrateAsync();
        return (_services.GetRequiredService<JobMaintenance>(), store, _services.GetRequiredService<RecordingTransport>());
    }

    private static async Task<JobRequest> InsertAsync(IJobStore store, bool dispatched, string runner = RecordingTransport.RunnerName, DateTimeOffset? runAt = null, string jobType = Job)
    {
        var inserted = await store.InsertAsync(new NewJobRequest
        {
            JobType = jobType,
            QueueName = jobType,
            Payload = "\"x\"",
            MaxAttempts = 3,
            Runner = runner,
            Dispatched = dispatched,
            RunAt = runAt,
        });
        return inserted.Job;
    }
}
