using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace JobRunners.Conformance;

/// <summary>
/// Deliveries a worker must survive: the same job delivered twice, a job type this worker does not have, and a
/// handler's own <see cref="OperationCanceledException"/>.
/// </summary>
public abstract partial class RunnerConformanceTests
{
    /// <summary>A job type only the second worker of <see cref="UnknownJobType_LeftQueuedForAWorkerWithTheHandler"/> registers.</summary>
    protected const string ElsewhereJob = "kit.elsewhere";

    /// <summary>
    /// True when separate worker processes take messages from one shared queue, so a worker can receive a job whose
    /// type only another worker registers (SQS, Azure). Runners whose workers never receive such a job (they claim
    /// by type, or run in the dispatching process) declare the test not applicable.
    /// </summary>
    protected virtual bool WorkersShareQueue => false;

    /// <summary>
    /// The same job delivered again (as at-least-once queues do), even while its first delivery runs, runs once:
    /// the row's claim decides. Every worker hands deliveries to <see cref="JobExecutor.ExecuteEnvelopesAsync"/>,
    /// so the duplicates go in there, next to the runner's own delivery.
    /// </summary>
    [Test]
    public async Task DuplicateDelivery_SameJobTwice_RunsOnce()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        var executor = host.Services.GetRequiredService<JobExecutor>();

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key));
        var message = JobEnvelope.ForJob(job).Serialize();
        var duplicates = await Task.WhenAll(
            executor.ExecuteEnvelopeAsync(message).AsTask(),
            executor.ExecuteEnvelopeAsync(message).AsTask());
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(1));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
            Assert.That(duplicates.Select(d => d.Kind), Is.All.AnyOf(JobOutcomeKind.Succeeded, JobOutcomeKind.Skipped, JobOutcomeKind.NotDue));
        });
    }

    /// <summary>
    /// A handler's <see cref="OperationCanceledException"/> that is not the job's own cancellation (an HttpClient
    /// timeout) is a failed attempt: the job retries and succeeds, it is not cancelled.
    /// </summary>
    [Test]
    public async Task HandlerOperationCanceled_NotTheJobsOwn_Retries()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.TimesOutOnceJob, new ProbePayload(key));
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded), final.LastError);
            Assert.That(final.Attempts, Is.EqualTo(2));
            Assert.That(final.LastError, Does.Contain("TaskCanceledException").And.Contain("HttpClient.Timeout"), "the failed attempt stays readable");
            Assert.That(Probes.RunCount(key), Is.EqualTo(2));
        });
    }

    /// <summary>
    /// A worker that lacks a job type leaves its job alone (queued, attempts 0, not failed), and a worker that has
    /// the handler runs it later, once: a rolling deploy with older workers loses nothing.
    /// </summary>
    [Test]
    public async Task UnknownJobType_LeftQueuedForAWorkerWithTheHandler()
    {
        if (!WorkersShareQueue)
        {
            Assert.Ignore($"Not applicable to {RunnerName}: its workers never receive a job of a type they do not register.");
        }

        var store = Path.Combine(Path.GetTempPath(), $"jobrunners-kit-shared-{Guid.NewGuid():N}.db");
        var shared = new Dictionary<string, string?> { ["JobRunners:Sqlite:Path"] = store };
        var key = NewKey();
        var ran = 0;
        void WithHandler(JobRunnersBuilder jobs) => jobs.AddJob<ProbePayload>(ElsewhereJob, (_, _, _) =>
        {
            Interlocked.Increment(ref ran);
            return ValueTask.CompletedTask;
        });

        try
        {
            var seen = new LogSignal(ElsewhereJob);
            JobRequest job;
            await using (var without = await StartHostAsync(shared, jobs => jobs.Services.AddSingleton<ILoggerProvider>(seen)))
            {
                // The dispatching process has the handler; its worker is not started yet.
                using var dispatcher = BuildHost(shared, WithHandler);
                job = await dispatcher.Services.GetRequiredService<IJobRunner>().DispatchJobAsync(ElsewhereJob, new ProbePayload(key));

                await seen.Seen.WaitAsync(Timeout);
                var left = await without.Store.GetAsync(job.Id);
                Assert.Multiple(() =>
                {
                    Assert.That(left!.Status, Is.EqualTo(JobStatus.Queued), "the worker without the handler leaves the row");
                    Assert.That(left.Attempts, Is.Zero, "no attempt is counted");
                    Assert.That(left.LastError, Is.Null);
                });
            }

            await using var with = await StartHostAsync(shared, WithHandler);
            var final = await with.WaitForFinalAsync(job.Id);
            Assert.Multiple(() =>
            {
                Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded), final.LastError);
                Assert.That(final.Attempts, Is.EqualTo(1));
                Assert.That(ran, Is.EqualTo(1));
            });
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                try
                {
                    File.Delete(store + suffix);
                }
                catch (IOException)
                {
                    // Still open by a pooled connection; the temp directory is cleaned by the OS.
                }
            }
        }
    }
}
