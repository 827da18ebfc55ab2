using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moq;
using NUnit.Framework;

namespace JobRunners.Tests.Execution;

/// <summary>The executor's decisions, with the store as a seam (its real behaviour is covered by the store suites).</summary>
[TestFixture]
public sealed partial class JobExecutorTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private Mock<IJobStore> _store = null!;
    private ServiceProvider _services = null!;
    private Func<long, IJobContext, CancellationToken, ValueTask> _handler = (_, _, _) => ValueTask.CompletedTask;

    [SetUp]
    public void SetUp()
    {
        _written.Clear();
        _handler = (_, _, _) => ValueTask.CompletedTask;
        _store = new Mock<IJobStore>(MockBehavior.Strict);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JobRunners:Lease"] = "00:00:30",
            ["JOB_RUNNER"] = "sync",
            ["JobRunners:WorkerId"] = "w1",
            ["JobRunners:Retry:InitialDelay"] = "00:00:10",
            ["JobRunners:Retry:Jitter"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        _hookSaw.Clear();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider, LogCapture>();
        services.AddJobRunners(configuration, jobs => jobs
            .AddSynchronousRunner()
            .UseStore(_ => _store.Object)
            .AddJob<long>("probe", (p, c, ct) => _handler(p, c, ct))
            .AddJob<long>(HookedJob, (p, c, ct) => _handler(p, c, ct), o => o.OnError = (failure, _) =>
            {
                _hookSaw.Add(failure.Exception);
                return ValueTask.FromResult(RetryDecision.UsePolicy);
            })
            .AddTask<ValidatedTaskPayload>(ValidatedTask, (p, _, _) =>
            {
                _taskRuns.Add(p.Count);
                return ValueTask.CompletedTask;
            }));
        _services = services.BuildServiceProvider();
    }

    [TearDown]
    public void TearDown() => _services.Dispose();

    private JobExecutor Executor => _services.GetRequiredService<JobExecutor>();

    private JobRequest Row(int attempts = 1, int maxAttempts = 3) => new()
    {
        Id = 7,
        JobType = "probe",
        QueueName = "probe",
        Payload = "7",
        Status = JobStatus.Running,
        Attempts = attempts,
        MaxAttempts = maxAttempts,
        RunAt = _time.GetUtcNow(),
    };

    private readonly List<JobCompletion> _written = [];

    private void ClaimReturns(JobRequest row) =>
        _store.Setup(s => s.ClaimAsync(It.Is<JobClaimRequest>(c => c.WorkerId == "w1" && c.Ids!.SequenceEqual(new[] { 7L })), It.IsAny<CancellationToken>()))
            .ReturnsAsync([row]);

    private void CompletionsWritten(bool written = true) =>
        _store.Setup(s => s.CompleteAsync(It.IsAny<IReadOnlyList<JobCompletion>>(), It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<JobCompletion>, CancellationToken>((c, _) => _written.AddRange(c))
            .ReturnsAsync((IReadOnlyList<JobCompletion> c, CancellationToken _) => written ? c.Select(x => x.Id).ToList() : []);

    [Test]
    public async Task ExecuteJobAsync_HandlerThrowsWithAttemptsLeft_SchedulesRetryAfterBackoff()
    {
        ClaimReturns(Row(attempts: 2));
        CompletionsWritten();
        _handler = (_, _, _) => throw new IOException("disk full");

        var outcome = await Executor.ExecuteJobAsync(7);

        var written = _written.Single();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Retry));
            Assert.That(written.Outcome, Is.EqualTo(outcome));
            Assert.That(written.Outcome.Reason, Is.EqualTo("System.IO.IOException: disk full"));
            Assert.That(written.Outcome.RetryAt, Is.EqualTo(_time.GetUtcNow().AddSeconds(20)), "second attempt failed: 10 s doubled");
            Assert.That((written.Id, written.LockedBy, written.ReturnToOutbox, written.DeleteOnSuccess), Is.EqualTo((7L, "w1", false, false)));
        });
    }

    [Test]
    public async Task ExecuteJobAsync_ReturnRetriesToOutbox_MarksTheRetry()
    {
        ClaimReturns(Row(attempts: 1));
        CompletionsWritten();
        _handler = (_, _, _) => throw new IOException("disk full");

        await Executor.ExecuteJobAsync(7, new JobExecutionOptions(ReturnRetriesToOutbox: true));

        Assert.That(_written.Single().ReturnToOutbox, Is.True);
    }

    [Test]
    public async Task ExecuteJobAsync_LastAttemptThrows_FailsWithError()
    {
        ClaimReturns(Row(attempts: 3, maxAttempts: 3));
        CompletionsWritten();
        _handler = (_, _, _) => throw new InvalidOperationException("nope");

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.That(outcome, Is.EqualTo(JobOutcome.Failed("System.InvalidOperationException: nope")));
        Assert.That(_written.Single().Outcome, Is.EqualTo(outcome));
    }

    [Test]
    public async Task ExecuteJobAsync_HandlerSucceeds_WritesResultMessage()
    {
        ClaimReturns(Row());
        CompletionsWritten();
        _handler = (_, context, _) =>
        {
            context.SetResult("done 7");
            return ValueTask.CompletedTask;
        };

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Succeeded));
        Assert.That((_written.Single().Outcome.Kind, _written.Single().ResultMessage), Is.EqualTo((JobOutcomeKind.Succeeded, "done 7")));
    }

    [Test]
    public async Task ExecuteJobAsync_WorkerStopping_ReleasesWithoutCountingAttempt()
    {
        ClaimReturns(Row());
        CompletionsWritten();
        using var stopping = new CancellationTokenSource();
        _handler = async (_, _, ct) =>
        {
            await stopping.CancelAsync();
            ct.ThrowIfCancellationRequested();
        };

        var outcome = await Executor.ExecuteJobAsync(7, default, stopping.Token);

        Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Released));
        Assert.That(_written.Single().Outcome.Kind, Is.EqualTo(JobOutcomeKind.Released));
    }

    [Test]
    public async Task ExecuteJobAsync_CompletionRefusedBecauseLeaseTaken_ReportsLeaseLost()
    {
        ClaimReturns(Row());
        CompletionsWritten(written: false);

        Assert.That((await Executor.ExecuteJobAsync(7)).Kind, Is.EqualTo(JobOutcomeKind.LeaseLost));
    }

    [Test]
    public async Task ExecuteJobAsync_HeartbeatFindsLeaseGone_CancelsHandlerAndWritesNothing()
    {
        ClaimReturns(Row());
        var heartbeats = 0;
        _store.Setup(s => s.ExtendLeasesAsync(It.Is<IReadOnlyCollection<long>>(ids => ids.SequenceEqual(new[] { 7L })), "w1", TimeSpan.FromSeconds(30), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => ++heartbeats < 2 ? [7L] : []);
        var handlerSawCancel = false;
        _handler = async (_, _, ct) =>
        {
            try
            {
                while (true)
                {
                    _time.Advance(TimeSpan.FromSeconds(10));
                    await Task.Delay(10, ct);
                }
            }
            catch (OperationCanceledException)
            {
                handlerSawCancel = true;
                throw;
            }
        };

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.LeaseLost));
            Assert.That(handlerSawCancel, Is.True);
            Assert.That(heartbeats, Is.EqualTo(2), "the first heartbeat extended, the second found the lease gone");
        });
        _store.Verify(s => s.CompleteAsync(It.IsAny<IReadOnlyList<JobCompletion>>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task ExecuteJobAsync_RowNotDue_ReturnsRunAtWithoutRunning()
    {
        var due = _time.GetUtcNow().AddMinutes(5);
        _store.Setup(s => s.ClaimAsync(It.IsAny<JobClaimRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _store.Setup(s => s.GetManyAsync(It.IsAny<IReadOnlyCollection<long>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([Row() with { Status = JobStatus.Queued, RunAt = due }]);
        var ran = false;
        _handler = (_, _, _) =>
        {
            ran = true;
            return ValueTask.CompletedTask;
        };

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.That((outcome.Kind, outcome.RetryAt, ran), Is.EqualTo((JobOutcomeKind.NotDue, (DateTimeOffset?)due, false)));
    }

    [Test]
    public async Task ExecuteJobAsync_RowTakenElsewhere_SkipsWithoutRunning()
    {
        _store.Setup(s => s.ClaimAsync(It.IsAny<JobClaimRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _store.Setup(s => s.GetManyAsync(It.IsAny<IReadOnlyCollection<long>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([Row() with { Status = JobStatus.Succeeded }]);

        Assert.That((await Executor.ExecuteJobAsync(7)).Kind, Is.EqualTo(JobOutcomeKind.Skipped));
    }

    [Test]
    public async Task ExecuteJobAsync_RowMissing_RejectsNamingTheStore()
    {
        _store.Setup(s => s.ClaimAsync(It.IsAny<JobClaimRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _store.Setup(s => s.GetManyAsync(It.IsAny<IReadOnlyCollection<long>>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _store.SetupGet(s => s.Name).Returns("mock");

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Rejected));
        Assert.That(outcome.Reason, Does.Contain("No job 7 in the mock store"));
    }

    [Test]
    public async Task ExecuteJobAsync_QueuedRowOfUnregisteredType_IsNotServedAndNotClaimed()
    {
        JobClaimRequest? asked = null;
        _store.Setup(s => s.ClaimAsync(It.IsAny<JobClaimRequest>(), It.IsAny<CancellationToken>()))
            .Callback<JobClaimRequest, CancellationToken>((r, _) => asked = r)
            .ReturnsAsync([]);
        _store.Setup(s => s.GetManyAsync(It.IsAny<IReadOnlyCollection<long>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([Row() with { Status = JobStatus.Queued, JobType = "export" }]);

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.NotServed));
        Assert.That(asked!.JobTypes, Is.EquivalentTo(new[] { "probe", HookedJob, "task:" + ValidatedTask }), "the claim asks only for types this process runs");
    }

    [Test]
    public async Task ExecuteJobsAsync_SameIdTwice_ClaimsOnceAndSkipsTheRepeat()
    {
        _store.Setup(s => s.ClaimAsync(It.Is<JobClaimRequest>(c => c.Ids!.Count == 1 && c.Limit == 1), It.IsAny<CancellationToken>())).ReturnsAsync([Row()]);
        CompletionsWritten();

        var runs = await Executor.ExecuteJobsAsync([7, 7]);
        var outcomes = await Task.WhenAll(runs);

        Assert.That(outcomes.Select(o => o.Kind), Is.EqualTo(new[] { JobOutcomeKind.Succeeded, JobOutcomeKind.Skipped }));
    }

    [Test]
    public async Task ExecuteJobAsync_UnregisteredJobTypeClaimed_RetriesNamingKnownJobs()
    {
        ClaimReturns(Row() with { JobType = "gone" });
        CompletionsWritten();

        await Executor.ExecuteJobAsync(7);

        Assert.That(_written.Single().Outcome.Reason, Does.Contain("UnknownHandlerException").And.Contain("'gone'").And.Contain("probe"));
    }

    [Test]
    public async Task ExecuteEnvelopeAsync_Malformed_RejectsWithReason()
    {
        var outcome = await Executor.ExecuteEnvelopeAsync("{\"v\":1,\"kind\":\"job\",\"name\":\"probe\"}");

        Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Rejected));
        Assert.That(outcome.Reason, Does.Contain("jobId"));
    }

    [Test]
    public async Task ExecuteEnvelopeAsync_JobIdOfWrongType_RejectsInsteadOfThrowing()
    {
        var outcome = await Executor.ExecuteEnvelopeAsync("{\"v\":1,\"kind\":\"job\",\"name\":\"probe\",\"jobId\":\"5\"}");

        Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Rejected));
    }
}
