using System.Diagnostics;
using JobRunners.Conformance;
using JobRunners.Testing;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>A job or task dispatched by one host and run by another continues the dispatch's trace across the queue.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class AwsSqsTelemetryTests : SqsRunnerTestBase
{
    [Test]
    public async Task DispatchJob_RunByAnotherHost_RetriesShareTheDispatchTrace()
    {
        using var telemetry = new TelemetryCapture();
        var shared = new Dictionary<string, string?> { ["JobRunners:Sqlite:Path"] = NewStorePath() };
        var queue = "telemetry-" + NewKey();
        await using var dispatcher = await StartHostAsync(new Dictionary<string, string?>(shared) { ["JobRunners:Worker:Enabled"] = "false" });
        await using var worker = await StartHostAsync(shared);

        var job = await dispatcher.Runner.DispatchJobAsync(ProbeHandlers.FlakyJob, new ProbePayload(NewKey(), Count: 3), new DispatchOptions { QueueName = queue });
        var final = await worker.WaitForFinalAsync(job.Id);
        await telemetry.WaitUntilAsync(() => telemetry.SpansTo(queue).Count(s => s.Kind == ActivityKind.Consumer) == 3, "three attempt spans");

        var send = telemetry.SpansTo(queue).Single(s => s.Kind == ActivityKind.Producer);
        var attempts = telemetry.SpansTo(queue).Where(s => s.Kind == ActivityKind.Consumer).OrderBy(s => (int)s.GetTagItem("jobrunners.job.attempt")!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(send.GetTagItem("jobrunners.runner"), Is.EqualTo("aws-sqs"));
            Assert.That(attempts.Select(a => a.TraceId), Is.All.EqualTo(send.TraceId));
            Assert.That(attempts.Select(a => a.ParentSpanId), Is.All.EqualTo(send.SpanId));
            Assert.That(attempts.Select(a => a.Status), Is.EqualTo(new[] { ActivityStatusCode.Error, ActivityStatusCode.Error, ActivityStatusCode.Unset }));
        });
    }

    [Test]
    public async Task DispatchTask_RunByAnotherHost_ContinuesTheEnvelopeTrace()
    {
        using var telemetry = new TelemetryCapture();
        await using var dispatcher = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:Worker:Enabled"] = "false" });
        await using var worker = await StartHostAsync();
        using var app = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();

        var key = NewKey();
        await dispatcher.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(key));
        await telemetry.WaitUntilAsync(() => telemetry.Spans.Any(s => s.Kind == ActivityKind.Consumer && s.TraceId == app.TraceId), "the task's span");

        var send = telemetry.Spans.Single(s => s.Kind == ActivityKind.Producer && s.TraceId == app.TraceId);
        var run = telemetry.Spans.Single(s => s.Kind == ActivityKind.Consumer && s.TraceId == app.TraceId);
        Assert.Multiple(() =>
        {
            Assert.That(send.ParentSpanId, Is.EqualTo(app.SpanId));
            Assert.That(run.ParentSpanId, Is.EqualTo(send.SpanId));
        });
    }
}
