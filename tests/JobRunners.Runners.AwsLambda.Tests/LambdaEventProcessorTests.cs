using System.Text;
using System.Text.Json;
using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>The function side: direct envelopes, SQS events, bad events, locked queues and scheduled maintenance.</summary>
[TestFixture]
public sealed class LambdaEventProcessorTests : LambdaTestBase
{
    [Test]
    public async Task SqsEvent_ThroughInvokeApi_ReportsFailingRecordsOnly()
    {
        await using var host = await StartHostAsync();
        var okKey = NewKey();
        var ok = await InsertAsync(host, ProbeHandlers.OkJob, okKey, runner: "aws-sqs");
        var failingTask = JobEnvelope.ForTask(host.Services.GetRequiredService<JobRegistry>().PrepareTask(ProbeHandlers.FailingTask, new ProbePayload(NewKey()))).Serialize();
        var taskKey = NewKey();
        var okTask = JobEnvelope.ForTask(host.Services.GetRequiredService<JobRegistry>().PrepareTask(ProbeHandlers.CountTask, new ProbePayload(taskKey))).Serialize();
        var sqsEvent = SqsEvent("jobs", ("m-ok-job", JobEnvelope.ForJob(ok).Serialize()), ("m-failing-task", failingTask), ("m-malformed", "{\"hello\":1}"), ("m-ok-task", okTask));

        var (answer, functionError) = await InvokeSynchronouslyAsync(host, sqsEvent);

        Assert.That(functionError, Is.Null, answer);
        Assert.That(FailureIds(answer), Is.EqualTo(new[] { "m-failing-task", "m-malformed" }));
        Assert.Multiple(async () =>
        {
            Assert.That((await host.Store.GetAsync(ok.Id))!.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(Probes.RunCount(okKey), Is.EqualTo(1));
            Assert.That(Probes.RunCount(taskKey), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task SqsEvent_JobToRetry_IsReportedAndItsRowKeepsTheError()
    {
        await using var host = await StartHostAsync();
        var row = await InsertAsync(host, ProbeHandlers.FailingJob, NewKey(), runner: "aws-sqs");

        var answer = await ProcessAsync(host, SqsEvent("jobs", ("m-1", JobEnvelope.ForJob(row).Serialize())));

        var after = await host.Store.GetAsync(row.Id);
        Assert.Multiple(() =>
        {
            Assert.That(FailureIds(answer), Is.EqualTo(new[] { "m-1" }));
            Assert.That(after!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(after.Attempts, Is.EqualTo(1));
            Assert.That(after.LastError, Does.Contain("always fails"));
            Assert.That(after.DispatchedAt, Is.Not.Null, "the SQS message, not the outbox, brings it back");
        });
    }

    [Test]
    public async Task SqsEvent_FunctionSelectsAnotherRunner_RunsRecordsWithSettingsFromConfiguration()
    {
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = OtherTransport.RunnerName,
            ["JobRunners:AwsLambda:SqsConcurrency"] = "1",
            ["JobRunners:AwsLambda:MaxInlineWait"] = "00:00:01",
            ["Tests:ForwardTarget"] = "off",
        });
        var okKey = NewKey();
        var ok = await InsertAsync(host, ProbeHandlers.OkJob, okKey, runner: "aws-sqs");
        var locking = await InsertAsync(host, ProbeHandlers.OkJob, NewKey(), "q-" + okKey, locksQueue: true, runner: "aws-sqs");
        await host.Store.ClaimOneAsync(locking.Id, "another-worker", TimeSpan.FromMinutes(5));
        var blocked = await InsertAsync(host, ProbeHandlers.OkJob, NewKey(), "q-" + okKey, runner: "aws-sqs");

        var answer = await ProcessAsync(host, SqsEvent("jobs", ("m-ok", JobEnvelope.ForJob(ok).Serialize()), ("m-blocked", JobEnvelope.ForJob(blocked).Serialize())));
        var direct = await Assert.CatchAsync<JobRunnerException>(async () => await ProcessAsync(host, JobEnvelope.ForJob(blocked).Serialize()));

        Assert.Multiple(async () =>
        {
            Assert.That(host.Runner.Name, Is.EqualTo(OtherTransport.RunnerName));
            Assert.That(FailureIds(answer), Is.EqualTo(new[] { "m-blocked" }), "the locked queue's job comes back later");
            Assert.That((await host.Store.GetAsync(ok.Id))!.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(direct!.Message, Does.Contain("locked queue").And.Contain("JOB_RUNNER=aws-lambda"));
        });
    }

    [Test]
    public async Task Finding03_UnservedJobType_OnSqsEvent_LeftQueuedAndReturnedAsItemFailure()
    {
        // An older function version without the handler gets the job (a rolling deploy): not an attempt.
        await using var host = await StartHostAsync();
        var okKey = NewKey();
        var unserved = await InsertAsync(host, "lambda.registered-elsewhere", NewKey(), runner: "aws-sqs");
        var ok = await InsertAsync(host, ProbeHandlers.OkJob, okKey, runner: "aws-sqs");

        var answer = await ProcessAsync(host, SqsEvent("jobs", ("m-unserved", JobEnvelope.ForJob(unserved).Serialize()), ("m-ok", JobEnvelope.ForJob(ok).Serialize())));

        var left = await host.Store.GetAsync(unserved.Id);
        Assert.Multiple(async () =>
        {
            Assert.That(FailureIds(answer), Is.EqualTo(new[] { "m-unserved" }), "kept on the queue for a function that has the handler");
            Assert.That(left!.Status, Is.EqualTo(JobStatus.Queued), "not failed");
            Assert.That(left.Attempts, Is.Zero, "no attempt is counted");
            Assert.That(left.LastError, Is.Null);
            Assert.That(left.LockedBy, Is.Null, "not claimed");
            Assert.That((await host.Store.GetAsync(ok.Id))!.Status, Is.EqualTo(JobStatus.Succeeded), "the rest of the batch runs");
            Assert.That(Probes.RunCount(okKey), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task SqsEvent_FifoQueueFirstRecordFails_ReportsItAndEveryLaterRecordWithoutRunningThem()
    {
        // The row was dispatched by aws-sqs: maintenance would adopt it into this (aws-lambda) host and run it on its
        // own, whatever the event does. Only the event may run it here.
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:AdoptOtherRunners"] = "false" });
        var laterKey = NewKey();
        var later = await InsertAsync(host, ProbeHandlers.OkJob, laterKey, runner: "aws-sqs");
        var failingTask = JobEnvelope.ForTask(host.Services.GetRequiredService<JobRegistry>().PrepareTask(ProbeHandlers.FailingTask, new ProbePayload(NewKey()))).Serialize();

        var answer = await ProcessAsync(host, SqsEvent("jobs.fifo", ("m-1", failingTask), ("m-2", JobEnvelope.ForJob(later).Serialize())));

        Assert.That(FailureIds(answer), Is.EqualTo(new[] { "m-1", "m-2" }));
        Assert.That(Probes.RunCount(laterKey), Is.Zero, "FIFO order: nothing after a failure runs");
    }

    [Test]
    public async Task DirectEvent_Malformed_FailsWithReasonAndFunctionKeepsServing()
    {
        await using var host = await StartHostAsync();

        var notEnvelope = await Assert.CatchAsync<JobRunnerException>(async () => await ProcessAsync(host, "{\"hello\":1}"));
        var notJson = await Assert.CatchAsync<JobRunnerException>(async () => await ProcessAsync(host, "hello"));
        var nullEvent = await Assert.CatchAsync<JobRunnerException>(async () => await ProcessAsync(host, "null"));
        var noJobId = await Assert.CatchAsync<JobRunnerException>(async () => await ProcessAsync(host, "{\"v\":1,\"kind\":\"job\",\"name\":\"kit.ok\"}"));
        var (answer, functionError) = await InvokeSynchronouslyAsync(host, "{\"v\":7,\"kind\":\"task\",\"name\":\"kit.count\",\"payload\":{}}");

        Assert.Multiple(() =>
        {
            Assert.That(notEnvelope!.Message, Does.Contain("has no version"));
            Assert.That(notJson!.Message, Does.Contain("not valid JSON"));
            Assert.That(nullEvent!.Message, Does.Contain("null"));
            Assert.That(noJobId!.Message, Does.Contain("jobId"));
            Assert.That(functionError, Is.EqualTo("Unhandled"), "a bad event is a function error, so Lambda's retries and on-failure destination apply");
            Assert.That(answer, Does.Contain("version 7 is not supported"));
        });

        // The same function (process, host) still runs the next event.
        var key = NewKey();
        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(key));
        await host.WaitUntilAsync(() => Task.FromResult(Probes.RunCount(key) == 1), "a task after the bad events");
    }

    [Test]
    public async Task DirectEvent_TaskFails_ThrowsSoLambdaRetriesIt()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        var envelope = JobEnvelope.ForTask(host.Services.GetRequiredService<JobRegistry>().PrepareTask(ProbeHandlers.FailingTask, new ProbePayload(key))).Serialize();

        var error = await Assert.CatchAsync<JobRunnerException>(async () => await ProcessAsync(host, envelope));

        Assert.That(error!.Message, Does.Contain($"Task '{ProbeHandlers.FailingTask}' failed").And.Contain($"probe task {key} failed").And.Contain("Lambda runs it again"));
    }

    [Test]
    public async Task DirectEvent_JobAttemptFails_RowReturnsToOutboxAndIsInvokedAgainWhenDue()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        var row = await InsertAsync(host, SlowRetryJob, key);

        var answer = JsonDocument.Parse(await ProcessAsync(host, JobEnvelope.ForJob(row).Serialize())).RootElement;
        var afterFirst = await host.Store.GetAsync(row.Id);

        Assert.Multiple(() =>
        {
            Assert.That(answer.GetProperty("status").GetString(), Is.EqualTo("Retry"));
            Assert.That(answer.GetProperty("next").GetString(), Is.EqualTo("outbox"));
            Assert.That(afterFirst!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(afterFirst.DispatchedAt, Is.Null, "handed back to the outbox: nothing else would invoke it again");
            Assert.That(afterFirst.LastError, Does.Contain($"slow-retry {key} failed"));
        });

        // The outbox invokes the function again for each retry; all three attempts run and the row fails for good.
        var final = await host.WaitForFinalAsync(row.Id);
        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(final.Attempts, Is.EqualTo(3));
            Assert.That(final.StartedAt, Is.GreaterThanOrEqualTo(afterFirst!.RunAt));
        });
    }

    [Test]
    public async Task DirectEvent_QueueLockedBeyondInlineWait_HandsJobToFreshInvocationsUntilItRuns()
    {
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:AwsLambda:MaxInlineWait"] = "00:00:01" });
        var queue = "locked-" + NewKey();
        var locking = await InsertAsync(host, ProbeHandlers.OkJob, NewKey(), queue, locksQueue: true);
        Assert.That(await host.Store.ClaimOneAsync(locking.Id, "another-worker", TimeSpan.FromMinutes(5)), Is.Not.Null);
        var key = NewKey();
        var waiting = await InsertAsync(host, ProbeHandlers.OkJob, key, queue);
        var received = ForwardListener.Received;

        var answer = JsonDocument.Parse(await ProcessAsync(host, JobEnvelope.ForJob(waiting).Serialize())).RootElement;
        Assert.That(answer.GetProperty("status").GetString(), Is.EqualTo("NotDue"));
        Assert.That(answer.GetProperty("next").GetString(), Is.EqualTo("reinvoked"));
        await host.WaitUntilAsync(() => Task.FromResult(ForwardListener.Received > received), "the handed-over invocation");
        Assert.That((await host.Store.GetAsync(waiting.Id))!.Status, Is.EqualTo(JobStatus.Queued), "nothing runs while the queue is locked");

        await host.Store.CompleteOneAsync(locking.Id, "another-worker", JobOutcome.Succeeded);
        var final = await host.WaitForFinalAsync(waiting.Id);

        Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(Probes.RunCount(key), Is.EqualTo(1));
    }

    [Test]
    public async Task ScheduledEvent_RunsOutboxRound_SendsDueUndispatchedRows()
    {
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:MaintenanceInterval"] = "01:00:00" });
        var key = NewKey();
        var inserted = await host.Store.InsertAsync(new NewJobRequest
        {
            JobType = ProbeHandlers.OkJob,
            QueueName = ProbeHandlers.OkJob,
            Payload = $$"""{"key":"{{key}}","count":1}""",
            Runner = "aws-lambda",
        });
        await Task.Delay(700); // past the kit's 0.5 s outbox grace

        var answer = JsonDocument.Parse(await ProcessAsync(host, """{"version":"0","id":"x","detail-type":"Scheduled Event","source":"aws.events","detail":{}}""")).RootElement;
        var final = await host.WaitForFinalAsync(inserted.Job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(answer.GetProperty("resent").GetInt32(), Is.EqualTo(1));
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    private static string SqsEvent(string queue, params (string Id, string Body)[] messages)
    {
        var records = messages.Select(m => new Dictionary<string, object?>
        {
            ["messageId"] = m.Id,
            ["receiptHandle"] = "handle-" + m.Id,
            ["body"] = m.Body,
            ["attributes"] = new Dictionary<string, string> { ["ApproximateReceiveCount"] = "1" },
            ["eventSource"] = "aws:sqs",
            ["eventSourceARN"] = $"arn:aws:sqs:us-east-1:000000000000:{queue}",
            ["awsRegion"] = "us-east-1",
        });
        return JsonSerializer.Serialize(new { Records = records });
    }

    private static string[] FailureIds(string answer) =>
        JsonDocument.Parse(answer).RootElement.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()!).ToArray();

    /// <summary>A RequestResponse invocation through serverless-offline: the answer the Node handler relays.</summary>
    private static async Task<(string Body, string? FunctionError)> InvokeSynchronouslyAsync(RunnerHost host, string eventJson)
    {
        var transport = host.Services.GetRequiredService<AwsLambdaTransport>();
        return await transport.Invoker.InvokeRequestResponseAsync(Encoding.UTF8.GetBytes(eventJson), CancellationToken.None);
    }
}
