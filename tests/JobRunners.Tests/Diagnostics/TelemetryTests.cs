using System.Diagnostics;
using JobRunners.Conformance;
using JobRunners.Diagnostics;
using JobRunners.Testing;
using JobRunners.Tests.CustomRunner;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Tests.Diagnostics;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class TelemetryTests : RunnerTestBase
{
    protected override string RunnerName => "in-process";

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddInProcessRunner();

    [Test]
    public async Task DispatchJob_FailsTwiceThenSucceeds_ThreeConsumerSpansUnderTheProducerSpan()
    {
        using var telemetry = new TelemetryCapture();
        var queue = "telemetry-" + NewKey();
        await using var host = await StartHostAsync();

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.FlakyJob, new ProbePayload(NewKey(), Count: 3), new DispatchOptions { QueueName = queue });
        await host.WaitForFinalAsync(job.Id);
        await telemetry.WaitUntilAsync(() => telemetry.SpansOf(queue, job.Id).Count(s => s.Kind == ActivityKind.Consumer) == 3, "three attempt spans");

        var spans = telemetry.SpansOf(queue, job.Id);
        var send = spans.Single(s => s.Kind == ActivityKind.Producer);
        var attempts = spans.Where(s => s.Kind == ActivityKind.Consumer).OrderBy(s => (int)s.GetTagItem("jobrunners.job.attempt")!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(send.DisplayName, Is.EqualTo($"send {queue}"));
            Assert.That(send.GetTagItem("messaging.system"), Is.EqualTo("jobrunners"));
            Assert.That(send.GetTagItem("messaging.operation.type"), Is.EqualTo("send"));
            Assert.That(send.GetTagItem("messaging.destination.name"), Is.EqualTo(queue));
            Assert.That(send.GetTagItem("jobrunners.job.type"), Is.EqualTo(ProbeHandlers.FlakyJob));
            Assert.That(send.GetTagItem("jobrunners.runner"), Is.EqualTo("in-process"));
            Assert.That(attempts.Select(a => a.ParentSpanId), Is.All.EqualTo(send.SpanId));
            Assert.That(attempts.Select(a => a.TraceId), Is.All.EqualTo(send.TraceId));
            Assert.That(attempts.Select(a => a.DisplayName), Is.All.EqualTo($"process {queue}"));
            Assert.That(attempts.Select(a => a.GetTagItem("messaging.operation.type")), Is.All.EqualTo("process"));
            Assert.That(attempts.Select(a => a.GetTagItem("jobrunners.job.attempt")), Is.EqualTo(new object[] { 1, 2, 3 }));
            Assert.That(attempts.Select(a => a.Status), Is.EqualTo(new[] { ActivityStatusCode.Error, ActivityStatusCode.Error, ActivityStatusCode.Unset }));
            Assert.That(attempts[0].GetTagItem("error.type"), Is.EqualTo(typeof(TimeoutException).FullName));
            Assert.That(attempts[0].Events.Select(e => e.Name), Does.Contain("exception"));
            Assert.That(attempts[2].GetTagItem("jobrunners.job.outcome"), Is.EqualTo("succeeded"));
        });
    }

    [Test]
    public async Task DispatchJob_FailsTwiceThenSucceeds_CountersAndHistogramsMove()
    {
        using var telemetry = new TelemetryCapture();
        var queue = "telemetry-" + NewKey();
        await using var host = await StartHostAsync();

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.FlakyJob, new ProbePayload(NewKey(), Count: 3), new DispatchOptions { QueueName = queue });
        await host.WaitForFinalAsync(job.Id);
        const string Tag = "messaging.destination.name";
        await telemetry.WaitUntilAsync(() => telemetry.Sum("jobrunners.jobs.succeeded", Tag, queue) == 1, "the success to be counted");

        Assert.Multiple(() =>
        {
            Assert.That(telemetry.Sum("jobrunners.jobs.dispatched", Tag, queue), Is.EqualTo(1));
            Assert.That(telemetry.Sum("jobrunners.jobs.retried", Tag, queue), Is.EqualTo(2));
            Assert.That(telemetry.Sum("jobrunners.jobs.failed", Tag, queue), Is.Zero);
            Assert.That(telemetry.Count("jobrunners.job.duration", Tag, queue), Is.EqualTo(3));
            Assert.That(telemetry.Count("jobrunners.job.queue_wait", Tag, queue), Is.EqualTo(3));
            var dispatched = telemetry.Measurements.First(m => m.Instrument == "jobrunners.jobs.dispatched" && m.Tag(Tag) == queue);
            Assert.That(dispatched.Tag("jobrunners.job.type"), Is.EqualTo(ProbeHandlers.FlakyJob));
            Assert.That(dispatched.Tag("jobrunners.runner"), Is.EqualTo("in-process"));
        });
    }

    [Test]
    public async Task DispatchJob_AlwaysFails_CountsRetriesThenOneFailure()
    {
        using var telemetry = new TelemetryCapture();
        var queue = "telemetry-" + NewKey();
        await using var host = await StartHostAsync();

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.FailingJob, new ProbePayload(NewKey()), new DispatchOptions { QueueName = queue });
        await host.WaitForFinalAsync(job.Id);
        const string Tag = "messaging.destination.name";
        await telemetry.WaitUntilAsync(() => telemetry.Sum("jobrunners.jobs.failed", Tag, queue) == 1, "the failure to be counted");

        Assert.Multiple(() =>
        {
            Assert.That(telemetry.Sum("jobrunners.jobs.retried", Tag, queue), Is.EqualTo(2));
            Assert.That(telemetry.Sum("jobrunners.jobs.succeeded", Tag, queue), Is.Zero);
        });
    }

    [Test]
    public async Task DispatchJobs_Batch_OneProducerSpanParentOfEveryExecution()
    {
        using var telemetry = new TelemetryCapture();
        var queue = "telemetry-" + NewKey();
        await using var host = await StartHostAsync();

        var results = await host.Runner.DispatchJobsAsync([.. Enumerable.Range(0, 3).Select(_ => new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { QueueName = queue }))]);
        var ids = results.Select(r => r.Job!.Id).ToList();
        await telemetry.WaitUntilAsync(() => ids.All(id => telemetry.SpansOf(queue, id).Any(s => s.Kind == ActivityKind.Consumer)), "every job's attempt span");

        var attempts = ids.Select(id => telemetry.SpansOf(queue, id).Single(s => s.Kind == ActivityKind.Consumer)).ToList();
        var send = telemetry.SpansTo(queue).Single(s => s.Kind == ActivityKind.Producer);
        Assert.Multiple(() =>
        {
            Assert.That(send.GetTagItem("messaging.batch.message_count"), Is.EqualTo(3));
            Assert.That(attempts.Select(a => a.ParentSpanId), Is.All.EqualTo(send.SpanId));
        });
    }

    [Test]
    public async Task DispatchTask_ExecutionContinuesTheDispatchTrace()
    {
        using var telemetry = new TelemetryCapture();
        await using var host = await StartHostAsync();
        using var app = new ActivitySource("telemetry-test").StartActivity("request") ?? new Activity("request").Start();

        var key = NewKey();
        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(key));
        var stored = TaskRows.JobType(ProbeHandlers.CountTask);
        await telemetry.WaitUntilAsync(() => telemetry.Spans.Any(s => s.Kind == ActivityKind.Consumer && s.TraceId == app.TraceId), "the task's span");

        var send = telemetry.Spans.Single(s => s.Kind == ActivityKind.Producer && s.TraceId == app.TraceId);
        var run = telemetry.Spans.Single(s => s.Kind == ActivityKind.Consumer && s.TraceId == app.TraceId);
        Assert.Multiple(() =>
        {
            Assert.That(send.ParentSpanId, Is.EqualTo(app.SpanId));
            Assert.That(send.DisplayName, Is.EqualTo($"send {stored}"));
            Assert.That(run.ParentSpanId, Is.EqualTo(send.SpanId));
            Assert.That(run.DisplayName, Is.EqualTo($"process {stored}"));
        });
    }

    [Test]
    public async Task DispatchJob_AmbientActivityWithOversizedTraceState_RowKeepsTheTraceTrimmed()
    {
        await using var host = await StartHostAsync();
        var entries = Enumerable.Range(0, 60).Select(i => $"vendor{i}=value{i:D4}");
        using var app = new Activity("request").SetIdFormat(ActivityIdFormat.W3C);
        app.TraceStateString = string.Join(",", entries);
        app.Start();

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { Delay = TimeSpan.FromHours(1) });

        var row = await host.Store.GetAsync(job.Id);
        Assert.Multiple(() =>
        {
            Assert.That(row!.TraceParent, Does.StartWith($"00-{app.TraceId}-"));
            Assert.That(row.TraceState, Has.Length.LessThanOrEqualTo(NewJobRequest.MaxTraceStateLength));
            Assert.That(app.TraceStateString, Does.StartWith(row.TraceState!));
        });
    }

    [Test]
    public void FitTraceState_DropsEntriesFromTheEnd()
    {
        var entries = Enumerable.Range(0, 100).Select(i => $"k{i}=v{i}").ToList();
        var fitted = JobTracing.FitTraceState(string.Join(",", entries));

        Assert.Multiple(() =>
        {
            Assert.That(fitted, Has.Length.LessThanOrEqualTo(NewJobRequest.MaxTraceStateLength));
            Assert.That(string.Join(",", entries), Does.StartWith(fitted!));
            Assert.That(JobTracing.FitTraceState(new string('x', 600)), Is.Null);
            Assert.That(JobTracing.FitTraceState("a=1\0"), Is.Null);
        });
    }

    [TestCase(ActivityTraceFlags.Recorded)]
    [TestCase(ActivityTraceFlags.None)]
    public void Format_OfAnActivityContext_IsTheActivitysW3CId(ActivityTraceFlags flags)
    {
        using var activity = new Activity("format");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = flags;
        activity.Start();

        Assert.Multiple(() =>
        {
            Assert.That(JobTracing.Format(activity.Context), Is.EqualTo(activity.Id));
            Assert.That(JobTracing.Format(default), Is.Null);
        });
    }

    [Test]
    public void CurrentActivityContext_FitsTheTraceStateAsTheStoredFormDoes()
    {
        using var activity = new Activity("state");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.TraceStateString = string.Join(",", Enumerable.Range(0, 100).Select(i => $"k{i}=v{i}"));
        activity.Start();

        var context = JobTracing.CurrentActivityContext();

        Assert.Multiple(() =>
        {
            Assert.That(context.TraceId, Is.EqualTo(activity.TraceId));
            Assert.That(context.SpanId, Is.EqualTo(activity.SpanId));
            Assert.That(context.TraceState, Is.EqualTo(JobTracing.FitTraceState(activity.TraceStateString)));
            Assert.That(JobTracing.CurrentContext(), Is.EqualTo((activity.Id, context.TraceState)));
        });
    }

    [Test]
    public async Task Maintenance_RescuesLapsedLease_CountsRescued()
    {
        using var telemetry = new TelemetryCapture();
        var queue = "telemetry-" + NewKey();
        await using var host = await StartHostAsync();
        var inserted = await host.Store.InsertAsync(new NewJobRequest { JobType = "telemetry.unserved", QueueName = queue, Payload = "{}", Dispatched = true });

        var claimed = await host.Store.ClaimAsync(new JobClaimRequest { WorkerId = "gone", Lease = TimeSpan.FromSeconds(1), Limit = 1, Ids = [inserted.Job.Id], JobTypes = ["telemetry.unserved"] });

        Assert.That(claimed, Has.Count.EqualTo(1));
        await telemetry.WaitUntilAsync(() => telemetry.Sum("jobrunners.jobs.rescued", "messaging.destination.name", queue) == 1, "the rescue to be counted");
    }

    [Test]
    public async Task QueueGauges_Observed_ReportTheStoreSampleAtMostOncePerInterval()
    {
        using var telemetry = new TelemetryCapture();
        var queue = "telemetry-" + NewKey();
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:Telemetry:QueueStatsInterval"] = "01:00:00" });
        var due = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5);
        foreach (var _ in Enumerable.Range(0, 2))
        {
            await host.Store.InsertAsync(new NewJobRequest { JobType = "telemetry.unserved", QueueName = queue, Payload = "{}", RunAt = due, Dispatched = true });
        }

        var sampler = host.Services.GetRequiredService<QueueStatsSampler>();
        telemetry.Observe();
        var refresh = sampler.Refresh;
        Assert.That(refresh, Is.Not.Null, "the first observation starts a read of the store");
        await refresh!;
        telemetry.Observe();

        Assert.Multiple(() =>
        {
            Assert.That(sampler.Refresh, Is.SameAs(refresh), "a second observation within the interval does not read the store again");
            Assert.That(telemetry.Measurements.Last(m => m.Instrument == "jobrunners.queue.jobs" && m.Tag("messaging.destination.name") == queue).Value, Is.EqualTo(2));
            Assert.That(telemetry.Measurements.Last(m => m.Instrument == "jobrunners.queue.oldest_due_age" && m.Tag("messaging.destination.name") == queue).Value, Is.GreaterThanOrEqualTo(299));
        });
    }
}

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class OutboxTelemetryTests : RunnerTestBase
{
    protected override string RunnerName => "thread-pool";

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddRunner<FlakyThreadPoolTransport>("thread-pool");

    [Test]
    public async Task DispatchJob_BackendDown_ProducerSpanFailsAndTheOutboxResendCounts()
    {
        using var telemetry = new TelemetryCapture();
        var queue = "telemetry-" + NewKey();
        await using var host = await StartHostAsync();

        var error = await Assert.ThrowsAsync<JobDispatchException>(async () => await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { QueueName = queue }));
        await host.WaitForFinalAsync(error!.JobId!.Value);
        await telemetry.WaitUntilAsync(() => telemetry.Sum("jobrunners.jobs.resent", "messaging.destination.name", queue) == 1, "the outbox's send to be counted");
        await telemetry.WaitUntilAsync(() => telemetry.SpansTo(queue).Any(s => s.Kind == ActivityKind.Consumer), "the execution's span");

        var send = telemetry.SpansTo(queue).Single(s => s.Kind == ActivityKind.Producer);
        var run = telemetry.SpansTo(queue).Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Multiple(() =>
        {
            Assert.That(send.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(send.GetTagItem("error.type"), Is.EqualTo(typeof(JobDispatchException).FullName));
            Assert.That(run.ParentSpanId, Is.EqualTo(send.SpanId), "the outbox's send keeps the row's trace");
            Assert.That(telemetry.Sum("jobrunners.jobs.dispatched", "messaging.destination.name", queue), Is.Zero);
        });
    }
}
