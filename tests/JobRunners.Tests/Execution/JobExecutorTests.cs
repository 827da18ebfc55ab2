using JobRunners.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moq;
using NUnit.Framework;

namespace JobRunners.Tests.Execution;

/// <summary>The executor's decisions, with the store as a seam (its real behaviour is covered by the store suites).</summary>
[TestFixture]
public sealed class JobExecutorTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private Mock<IJobStore> _store = null!;
    private ServiceProvider _services = null!;
    private Func<long, IJobContext, CancellationToken, ValueTask> _handler = (_, _, _) => ValueTask.CompletedTask;

    [SetUp]
    public void SetUp()
    {
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
        services.AddJobRunners(configuration, jobs => jobs
            .AddSynchronousRunner()
            .UseStore(_ => _store.Object)
            .AddJob<long>("probe", (p, c, ct) => _handler(p, c, ct)));
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

    private void ClaimReturns(JobRequest row) =>
        _store.Setup(s => s.TryClaimAsync(7, It.Is<JobClaim>(c => c.WorkerId == "w1"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ClaimResult(ClaimStatus.Claimed, row));

    [Test]
    public async Task ExecuteJobAsync_HandlerThrowsWithAttemptsLeft_SchedulesRetryAfterBackoff()
    {
        ClaimReturns(Row(attempts: 2));
        _handler = (_, _, _) => throw new IOException("disk full");
        AttemptResult? written = null;
        _store.Setup(s => s.FinishAttemptAsync(7, "w1", It.IsAny<AttemptResult>(), It.IsAny<CancellationToken>()))
            .Callback<long, string, AttemptResult, CancellationToken>((_, _, r, _) => written = r)
            .ReturnsAsync(true);

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(ExecutionStatus.RetryScheduled));
            Assert.That(written!.Outcome, Is.EqualTo(AttemptOutcome.Retry));
            Assert.That(written.Error, Is.EqualTo("System.IO.IOException: disk full"));
            Assert.That(written.RetryAt, Is.EqualTo(_time.GetUtcNow().AddSeconds(20)), "second attempt failed: 10 s doubled");
            Assert.That(outcome.RetryAt, Is.EqualTo(written.RetryAt));
            Assert.That(written.ReturnToOutbox, Is.False);
        });
    }

    [Test]
    public async Task ExecuteJobAsync_ReturnRetriesToOutbox_MarksTheRetry()
    {
        ClaimReturns(Row(attempts: 1));
        _handler = (_, _, _) => throw new IOException("disk full");
        AttemptResult? written = null;
        _store.Setup(s => s.FinishAttemptAsync(7, "w1", It.IsAny<AttemptResult>(), It.IsAny<CancellationToken>()))
            .Callback<long, string, AttemptResult, CancellationToken>((_, _, r, _) => written = r)
            .ReturnsAsync(true);

        await Executor.ExecuteJobAsync(7, new JobExecutionOptions(ReturnRetriesToOutbox: true));

        Assert.That(written!.ReturnToOutbox, Is.True);
    }

    [Test]
    public async Task ExecuteJobAsync_LastAttemptThrows_FailsWithError()
    {
        ClaimReturns(Row(attempts: 3, maxAttempts: 3));
        _handler = (_, _, _) => throw new InvalidOperationException("nope");
        _store.Setup(s => s.FinishAttemptAsync(7, "w1", It.Is<AttemptResult>(r => r.Outcome == AttemptOutcome.Failed && r.Error == "System.InvalidOperationException: nope"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(true);

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.That(outcome.Status, Is.EqualTo(ExecutionStatus.Failed));
        Assert.That(outcome.Acknowledge, Is.True);
    }

    [Test]
    public async Task ExecuteJobAsync_HandlerThrowsOperationCanceled_Cancels()
    {
        ClaimReturns(Row());
        _handler = (_, _, _) => throw new OperationCanceledException("user gave up");
        _store.Setup(s => s.FinishAttemptAsync(7, "w1", It.Is<AttemptResult>(r => r.Outcome == AttemptOutcome.Cancelled), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        Assert.That((await Executor.ExecuteJobAsync(7)).Status, Is.EqualTo(ExecutionStatus.Cancelled));
    }

    [Test]
    public async Task ExecuteJobAsync_WorkerStopping_ReleasesWithoutCountingAttempt()
    {
        ClaimReturns(Row());
        using var stopping = new CancellationTokenSource();
        _handler = async (_, _, ct) =>
        {
            await stopping.CancelAsync();
            ct.ThrowIfCancellationRequested();
        };
        _store.Setup(s => s.FinishAttemptAsync(7, "w1", It.Is<AttemptResult>(r => r.Outcome == AttemptOutcome.Released), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var outcome = await Executor.ExecuteJobAsync(7, stopping.Token);

        Assert.That(outcome.Status, Is.EqualTo(ExecutionStatus.Released));
        Assert.That(outcome.Acknowledge, Is.False, "a queue worker must offer the message again");
    }

    [Test]
    public async Task ExecuteJobAsync_FinishRefusedBecauseLeaseTaken_ReportsLeaseLost()
    {
        ClaimReturns(Row());
        _store.Setup(s => s.FinishAttemptAsync(7, "w1", It.IsAny<AttemptResult>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);

        Assert.That((await Executor.ExecuteJobAsync(7)).Status, Is.EqualTo(ExecutionStatus.LeaseLost));
    }

    [Test]
    public async Task ExecuteJobAsync_HeartbeatFindsLeaseGone_CancelsHandlerAndWritesNothing()
    {
        ClaimReturns(Row());
        var heartbeats = 0;
        _store.Setup(s => s.ExtendLeaseAsync(7, "w1", TimeSpan.FromSeconds(30), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => ++heartbeats < 2);
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
            Assert.That(outcome.Status, Is.EqualTo(ExecutionStatus.LeaseLost));
            Assert.That(handlerSawCancel, Is.True);
            Assert.That(heartbeats, Is.EqualTo(2), "the first heartbeat extended, the second found the lease gone");
        });
        _store.Verify(s => s.FinishAttemptAsync(It.IsAny<long>(), It.IsAny<string>(), It.IsAny<AttemptResult>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task ExecuteJobAsync_RowNotDue_ReturnsRunAtWithoutRunning()
    {
        var due = _time.GetUtcNow().AddMinutes(5);
        _store.Setup(s => s.TryClaimAsync(7, It.IsAny<JobClaim>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ClaimResult(ClaimStatus.NotDue, Row() with { Status = JobStatus.Queued, RunAt = due }));
        var ran = false;
        _handler = (_, _, _) =>
        {
            ran = true;
            return ValueTask.CompletedTask;
        };

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.That((outcome.Status, outcome.RetryAt, ran), Is.EqualTo((ExecutionStatus.NotDue, (DateTimeOffset?)due, false)));
    }

    [Test]
    public async Task ExecuteJobAsync_RowTakenElsewhere_AcknowledgesWithoutRunning()
    {
        _store.Setup(s => s.TryClaimAsync(7, It.IsAny<JobClaim>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ClaimResult(ClaimStatus.NotQueued, Row() with { Status = JobStatus.Succeeded }));

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.That((outcome.Status, outcome.Acknowledge), Is.EqualTo((ExecutionStatus.NotQueued, true)));
    }

    [Test]
    public async Task ExecuteJobAsync_UnregisteredJobType_RetriesNamingKnownJobs()
    {
        ClaimReturns(Row() with { JobType = "gone" });
        AttemptResult? written = null;
        _store.Setup(s => s.FinishAttemptAsync(7, "w1", It.IsAny<AttemptResult>(), It.IsAny<CancellationToken>()))
            .Callback<long, string, AttemptResult, CancellationToken>((_, _, r, _) => written = r)
            .ReturnsAsync(true);

        await Executor.ExecuteJobAsync(7);

        Assert.That(written!.Error, Does.Contain("UnknownHandlerException").And.Contain("'gone'").And.Contain("probe"));
    }

    [Test]
    public async Task ExecuteEnvelopeAsync_Malformed_ParksWithReason()
    {
        var outcome = await Executor.ExecuteEnvelopeAsync("{\"v\":1,\"kind\":\"job\",\"name\":\"probe\"}");

        Assert.That(outcome.Action, Is.EqualTo(MessageAction.Park));
        Assert.That(outcome.Reason, Does.Contain("jobId"));
    }
}
