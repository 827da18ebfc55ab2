using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using NUnit.Framework;

namespace JobRunners.Tests.Execution;

/// <summary>Execution-core findings of the robustness review, each proven on the executor with the store as a seam.</summary>
public sealed partial class JobExecutorTests
{
    private const string HookedJob = "hooked";
    private const string ValidatedTask = "validated";

    private readonly List<Exception> _hookSaw = [];
    private readonly System.Collections.Concurrent.ConcurrentBag<int> _taskRuns = [];

    private LogCapture Logs => _services.GetServices<ILoggerProvider>().OfType<LogCapture>().Single();

    [Test]
    public async Task Finding04_HandlerTimeoutIsOperationCanceled_RetriesAndReachesOnError()
    {
        ClaimReturns(Row(attempts: 1) with { JobType = HookedJob });
        CompletionsWritten();

        // What an HttpClient timeout throws: an OperationCanceledException that is not the job's own cancellation.
        _handler = (_, _, _) => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.", new TimeoutException());

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Retry));
            Assert.That(outcome.RetryAt, Is.EqualTo(_time.GetUtcNow().AddSeconds(10)));
            Assert.That(_written.Single().Outcome.Kind, Is.EqualTo(JobOutcomeKind.Retry));
            Assert.That(outcome.Reason, Does.Contain("TaskCanceledException").And.Contain("HttpClient.Timeout"));
            Assert.That(_hookSaw.Single(), Is.InstanceOf<TaskCanceledException>(), "OnError sees the failure");
        });
    }

    [Test]
    public async Task Finding04_HandlerOperationCanceledOnLastAttempt_FailsInsteadOfCancelling()
    {
        ClaimReturns(Row(attempts: 3, maxAttempts: 3));
        CompletionsWritten();
        _handler = (_, _, _) => throw new OperationCanceledException("its own token gave up");

        var outcome = await Executor.ExecuteJobAsync(7);

        Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Failed));
        Assert.That(_written.Single().Outcome.Kind, Is.EqualTo(JobOutcomeKind.Failed));
    }

    [Test]
    public async Task Finding07_CompletionRefusedByLeaseGuard_LogsJobIdAndWhoHoldsIt()
    {
        ClaimReturns(Row());
        CompletionsWritten(written: false);
        _store.Setup(s => s.GetAsync(7, It.IsAny<CancellationToken>())).ReturnsAsync(Row(attempts: 2) with { LockedBy = "w2" });

        var outcome = await Executor.ExecuteJobAsync(7);

        var warning = Logs.At(LogLevel.Warning).Single();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.LeaseLost));
            Assert.That(warning, Does.Contain("Job 7").And.Contain("Succeeded").And.Contain("worker 'w2' took it over"));
        });
    }

    [Test]
    public async Task Finding07_CompletionRefusedRowCancelled_LogsThatTheJobWasCancelled()
    {
        ClaimReturns(Row());
        CompletionsWritten(written: false);
        _store.Setup(s => s.GetAsync(7, It.IsAny<CancellationToken>())).ReturnsAsync(Row() with { Status = JobStatus.Cancelled, LockedBy = null });

        await Executor.ExecuteJobAsync(7);

        Assert.That(Logs.At(LogLevel.Warning).Single(), Does.Contain("Job 7").And.Contain("the job was cancelled"));
    }

    [Test]
    public async Task Finding07_CompletionRefusedRowGone_LogsThatTheRowNoLongerExists()
    {
        ClaimReturns(Row());
        CompletionsWritten(written: false);
        _store.Setup(s => s.GetAsync(7, It.IsAny<CancellationToken>())).ReturnsAsync((JobRequest?)null);
        _store.SetupGet(s => s.Name).Returns("mock");

        await Executor.ExecuteJobAsync(7);

        Assert.That(Logs.At(LogLevel.Warning).Single(), Does.Contain("Job 7").And.Contain("no longer exists in the mock store"));
    }

    [TestCase("{\"v\":1,\"kind\":\"job\",\"name\":\"probe\",\"jobId\":\"5\"}")]
    [TestCase("{\"v\":\"1\",\"kind\":\"job\",\"name\":\"probe\",\"jobId\":5}")]
    [TestCase("{\"v\":1,\"kind\":5,\"name\":\"probe\",\"jobId\":5}")]
    [TestCase("{\"v\":1,\"kind\":\"job\",\"name\":[\"probe\"],\"jobId\":5}")]
    [TestCase("{\"v\":1,\"kind\":\"job\",\"name\":\"probe\",\"jobId\":5,\"attempt\":\"2\"}")]
    [TestCase("{\"v\":1,\"kind\":\"job\",\"name\":\"probe\",\"jobId\":1e400}")]
    [TestCase("{\"v\":1,\"kind\":{\"a\":1},\"name\":\"probe\"}")]
    public void Finding08_EnvelopeFieldOfWrongType_IsMalformedWithReason(string text)
    {
        var error = Assert.Throws<MalformedEnvelopeException>(() => JobEnvelope.Parse(text));
        Assert.That(error!.Reason, Is.Not.Empty);
    }

    [Test]
    public async Task Finding08_EnvelopeFieldOfWrongType_RejectedForParkingWithReason()
    {
        var outcome = await Executor.ExecuteEnvelopeAsync("{\"v\":1,\"kind\":\"job\",\"name\":\"greet\",\"jobId\":\"5\"}");

        Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Rejected));
        Assert.That(outcome.Reason, Does.Contain("Malformed job message").And.Contain("wrong type"));
    }

    [Test]
    public async Task Finding09_TaskPayloadFromQueueBreaksRules_RejectedWithoutRunning()
    {
        var outcome = await Executor.ExecuteEnvelopeAsync($"{{\"v\":1,\"kind\":\"task\",\"name\":\"{ValidatedTask}\",\"payload\":{{\"count\":500}}}}");

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Rejected));
            Assert.That(outcome.Reason, Does.Contain("Count"));
            Assert.That(_taskRuns, Is.Empty, "the handler never sees an invalid payload");
        });
    }

    [Test]
    public async Task Finding09_ValidTaskPayloadFromQueue_Runs()
    {
        var outcome = await Executor.ExecuteEnvelopeAsync($"{{\"v\":1,\"kind\":\"task\",\"name\":\"{ValidatedTask}\",\"payload\":{{\"count\":5}}}}");

        Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Succeeded));
        Assert.That(_taskRuns, Is.EqualTo(new[] { 5 }));
    }

    [Test]
    public async Task Finding03_UnservedJobType_NotClaimedAndWarnedOncePerType()
    {
        _store.Setup(s => s.ClaimAsync(It.IsAny<JobClaimRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _store.Setup(s => s.GetManyAsync(It.IsAny<IReadOnlyCollection<long>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([Row(attempts: 0) with { Status = JobStatus.Queued, JobType = "export" }]);

        var outcomes = new List<JobOutcome>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.Add(await Executor.ExecuteJobAsync(7));
        }

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Select(o => o.Kind), Is.All.EqualTo(JobOutcomeKind.NotServed));
            Assert.That(Logs.At(LogLevel.Warning).Count(m => m.Contains("export", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(_written, Is.Empty, "the row is not written: no attempt counted, not failed");
        });
    }

    [TestCase(1, 5)]
    [TestCase(2, 10)]
    [TestCase(4, 40)]
    [TestCase(10, 300)]
    [TestCase(1000, 300)]
    public void Finding03_UnservedDelay_GrowsWithDeliveriesUpToTheCap(long deliveries, int seconds) =>
        Assert.That(new QueueWorkerOptions().UnservedDelayAfter(deliveries), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    /// <summary>A task payload with a rule, for <see cref="ValidatedTask"/>.</summary>
    public sealed record ValidatedTaskPayload([property: System.ComponentModel.DataAnnotations.Range(1, 10)] int Count);
}
