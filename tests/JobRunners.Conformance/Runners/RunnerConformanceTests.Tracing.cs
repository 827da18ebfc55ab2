using System.Diagnostics;
using NUnit.Framework;

namespace JobRunners.Conformance;

/// <summary>
/// The trace a dispatch ran in continues in every attempt, whatever carries the job (the row keeps the trace
/// context; a task's message or task row carries it). The kit listens to JobRunners' own source, as an application
/// with OpenTelemetry tracing does.
/// </summary>
public abstract partial class RunnerConformanceTests
{
    private const string TestSourceName = "JobRunners.Conformance";

    private static readonly ActivitySource TestSource = new(TestSourceName);

    /// <summary>A job dispatched inside a trace runs each attempt, the failed one and the retry, in that trace.</summary>
    [Test]
    public async Task DispatchJob_InsideATrace_EveryAttemptContinuesIt()
    {
        using var listener = ListenToTraces();
        await using var host = await StartHostAsync();
        var key = NewKey();

        ActivityTraceId traceId;
        JobRequest dispatched;
        using (var request = TestSource.StartActivity("request"))
        {
            traceId = request!.TraceId;
            dispatched = await host.Runner.DispatchJobAsync(ProbeHandlers.TracedJob, new ProbePayload(key, Count: 2));
        }

        var final = await host.WaitForFinalAsync(dispatched.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.TraceParent, Does.Contain(traceId.ToString()), "the row keeps the dispatch's trace context");
            Assert.That(Probes.TraceIds(key), Is.EqualTo(new[] { traceId.ToString(), traceId.ToString() }), "both attempts ran in the dispatch's trace");
        });
    }

    /// <summary>A task dispatched inside a trace runs in that trace.</summary>
    [Test]
    public async Task DispatchTask_InsideATrace_RunsInIt()
    {
        using var listener = ListenToTraces();
        await using var host = await StartHostAsync();
        var key = NewKey();

        ActivityTraceId traceId;
        using (var request = TestSource.StartActivity("request"))
        {
            traceId = request!.TraceId;
            await host.Runner.DispatchTaskAsync(ProbeHandlers.TracedTask, new ProbePayload(key));
        }

        await host.WaitUntilAsync(() => Task.FromResult(Probes.RunCount(key) >= 1), "the task to run");
        Assert.That(Probes.TraceIds(key), Is.EqualTo(new[] { traceId.ToString() }));
    }

    private static ActivityListener ListenToTraces()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is JobRunnersTelemetry.Name or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
