using Microsoft.Extensions.Logging;
using Moq;
using NUnit.Framework;

namespace JobRunners.Tests.Execution;

/// <summary>What an operator's structured logger sees of an attempt: its scope fields and the library's event ids.</summary>
public sealed partial class JobExecutorTests
{
    [Test]
    public async Task ExecuteJobAsync_HandlerLogs_LineCarriesJobIdTypeAndAttemptInScope()
    {
        ClaimReturns(Row(attempts: 2) with { QueueName = "reports", Runner = "sync" });
        CompletionsWritten();
        _handler = (_, context, _) =>
        {
            context.Logger.LogInformation("building the report");
            return ValueTask.CompletedTask;
        };

        await Executor.ExecuteJobAsync(7);

        var line = Logs.Lines.Single(l => l.Message == "building the report");
        Assert.Multiple(() =>
        {
            Assert.That(line.Category, Is.EqualTo("JobRunners.Jobs.probe"), "the handler's own logger, not the executor's");
            Assert.That(line.Scope, Does.ContainKey("JobId").WithValue(7L));
            Assert.That(line.Scope, Does.ContainKey("JobType").WithValue("probe"));
            Assert.That(line.Scope, Does.ContainKey("Attempt").WithValue(2));
            Assert.That(line.Scope, Does.ContainKey("Queue").WithValue("reports"));
            Assert.That(line.Scope, Does.ContainKey("Runner").WithValue("sync"));
        });
    }

    [Test]
    public async Task ExecuteJobAsync_HandlerThrowsWithAttemptsLeft_LogsAttemptFailedRetryingEventInScope()
    {
        ClaimReturns(Row(attempts: 1));
        CompletionsWritten();
        _handler = (_, _, _) => throw new IOException("disk full");

        await Executor.ExecuteJobAsync(7);

        var line = Logs.Lines.Single(l => l.Level == LogLevel.Warning);
        Assert.Multiple(() =>
        {
            Assert.That((line.EventId.Id, line.EventId.Name), Is.EqualTo((1002, "AttemptFailedRetrying")));
            Assert.That(line.Message, Does.StartWith("Job 7 (probe) failed attempt 1 of 3; retrying at "));
            Assert.That(line.Scope, Does.ContainKey("JobId").WithValue(7L));
        });
    }

    [Test]
    public async Task ExecuteJobAsync_OutcomeWriteFailsOnce_LogsOutcomeWriteFailedOutsideTheAttemptScope()
    {
        ClaimReturns(Row());
        var calls = 0;
        _store.Setup(s => s.CompleteAsync(It.IsAny<IReadOnlyList<JobCompletion>>(), It.IsAny<CancellationToken>()))
            .Returns((IReadOnlyList<JobCompletion> c, CancellationToken _) => Interlocked.Increment(ref calls) == 1
                ? ValueTask.FromException<IReadOnlyList<long>>(new TimeoutException("store down"))
                : ValueTask.FromResult<IReadOnlyList<long>>(c.Select(x => x.Id).ToList()));

        var outcome = await Executor.ExecuteJobAsync(7);

        // The write serves every attempt whose outcome waits in its batch, so it must not carry the scope of the
        // attempt that happened to start it.
        var line = Logs.Lines.Single(l => l.Level == LogLevel.Warning);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(JobOutcomeKind.Succeeded));
            Assert.That((line.EventId.Id, line.EventId.Name), Is.EqualTo((1042, "OutcomeWriteFailed")));
            Assert.That(line.Scope, Does.Not.ContainKey("JobId"));
        });
    }
}
