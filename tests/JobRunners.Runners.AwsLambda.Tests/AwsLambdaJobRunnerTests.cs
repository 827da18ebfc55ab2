using System.Diagnostics;
using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>Dispatch through the local Invoke API: the happy path, refusals, the outbox and the size limit.</summary>
[TestFixture]
public sealed class AwsLambdaJobRunnerTests : LambdaTestBase
{
    [Test]
    public async Task DispatchJob_ThroughInvokeApiAndForwarder_RowSucceedsInSameStore()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        var received = ForwardListener.Received;

        var clock = Stopwatch.StartNew();
        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key));
        var dispatched = clock.Elapsed;
        var final = await host.WaitForFinalAsync(job.Id);
        var finished = clock.Elapsed;
        TestContext.Progress.WriteLine($"aws-lambda: DispatchJobAsync returned after {dispatched.TotalMilliseconds:0} ms; row succeeded after {finished.TotalMilliseconds:0} ms.");

        Assert.Multiple(() =>
        {
            Assert.That(job.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(job.DispatchedAt, Is.Not.Null, "202 from the Invoke API marks the row dispatched");
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.ResultMessage, Is.EqualTo($"ok {key}"));
            Assert.That(final.Runner, Is.EqualTo("aws-lambda"));
            Assert.That(ForwardListener.Received, Is.GreaterThan(received));
            Assert.That(ForwardListener.LastHeaders?["x-amz-function-name"], Is.EqualTo(LocalLambda.FunctionName));
        });
    }

    [Test]
    public async Task DispatchJob_FunctionDoesNotExist_ThrowsDispatchExceptionWithRowIdAndAwsError()
    {
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:AwsLambda:FunctionName"] = "jobrunners-no-such-function",
            ["JobRunners:MaintenanceInterval"] = "01:00:00",
        });

        var error = await Assert.ThrowsAsync<JobDispatchException>(async () => await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey())));

        var row = await host.Store.GetAsync(error!.JobId!.Value);
        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain($"Job {error.JobId}").And.Contain("404").And.Contain("ResourceNotFoundException").And.Contain("Function not found: jobrunners-no-such-function"));
            Assert.That(error.Message, Does.Contain("FunctionName"), "says which setting to check");
            Assert.That(row!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(row.DispatchedAt, Is.Null, "kept for the outbox");
        });
    }

    [Test]
    public async Task Outbox_EndpointAnswersAgain_ResendsAndJobSucceeds()
    {
        var port = LocalLambda.FreePort();
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:AwsLambda:ServiceUrl"] = $"http://127.0.0.1:{port}",
            ["JobRunners:AwsLambda:InvokeRetries"] = "0",
        });
        var key = NewKey();

        var error = await Assert.ThrowsAsync<JobDispatchException>(async () => await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key)));
        Assert.That(error!.Message, Does.Contain("could not reach"));
        await Task.Delay(1500);
        Assert.That((await host.Store.GetAsync(error.JobId!.Value))!.Status, Is.EqualTo(JobStatus.Queued), "nothing ran while the endpoint was down");

        // The endpoint comes back: a plain TCP pipe to serverless-offline on the configured port.
        var lambda = new Uri(LocalLambda.LambdaUrl);
        await using var proxy = TcpProxy.Start(port, lambda.Host, lambda.Port);
        var final = await host.WaitForFinalAsync(error.JobId.Value);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.DispatchedAt, Is.Not.Null);
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Redelivery_InvocationAcceptedButLost_FunctionInvokedAgainAfterRedeliverAfter()
    {
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:RedeliverAfter"] = "00:00:01" });
        var key = NewKey();

        // A row marked dispatched whose event never reached the function (Lambda lost or discarded it).
        var lost = await InsertAsync(host, ProbeHandlers.OkJob, key);
        var final = await host.WaitForFinalAsync(lost.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.DispatchedAt, Is.GreaterThan(lost.DispatchedAt!.Value), "sent again");
            Assert.That(final.StartedAt!.Value - lost.CreatedAt, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Redelivery_RetryHiddenByLateDispatchMark_SentOnceDue()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();
        var row = await InsertAsync(host, ProbeHandlers.OkJob, key);

        // A fast function claims the row, fails the attempt and returns it to the outbox...
        await host.Store.ClaimOneAsync(row.Id, "fast-function", TimeSpan.FromMinutes(1));
        var retryAt = DateTimeOffset.UtcNow.AddSeconds(1);
        await host.Store.CompleteOneAsync(row.Id, "fast-function", JobOutcome.Retry(retryAt, "boom"), returnToOutbox: true);
        // ...and then a dispatch mark lands that hides the retry. (The store refuses a mark sent before the attempt was
        // counted; this one claims the current attempt count, as a mark from an older version could.)
        await host.Store.MarkDispatchedAsync([new JobDispatchMark(row.Id, 1)], "aws-lambda");
        var hidden = await host.Store.GetAsync(row.Id);
        Assert.That(hidden!.DispatchedAt, Is.Not.Null.And.LessThan(hidden.RunAt), "the outbox no longer sees it");

        var final = await host.WaitForFinalAsync(row.Id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(2));
            Assert.That(final.StartedAt, Is.GreaterThanOrEqualTo(hidden.RunAt));
            Assert.That(Probes.RunCount(key), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task DispatchTask_OverOneMebibyte_ThrowsPayloadTooLargeWithoutInvoking()
    {
        await using var host = await StartHostAsync();
        var received = ForwardListener.Received;

        var error = await Assert.ThrowsAsync<PayloadTooLargeException>(async () =>
            await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(new string('x', 1024 * 1024))));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Limit, Is.EqualTo(1024 * 1024));
            Assert.That(error.Size, Is.GreaterThan(1024 * 1024));
            Assert.That(error.Runner, Is.EqualTo("aws-lambda"));
            Assert.That(error.Message, Does.Contain(ProbeHandlers.CountTask));
        });
        await Task.Delay(300);
        Assert.That(ForwardListener.Received, Is.EqualTo(received));
    }

    [Test]
    public async Task DispatchTasks_BatchWithOneOverConfiguredLimit_ReportsPerItemAndRunsTheOthers()
    {
        await using var host = await StartHostAsync(new Dictionary<string, string?> { ["JobRunners:AwsLambda:MaxPayloadBytes"] = "4096" });
        var keys = Enumerable.Range(0, 12).Select(_ => NewKey()).ToList();
        var items = keys.Select(k => new TaskDispatch(ProbeHandlers.CountTask, new ProbePayload(k))).ToList();
        items[5] = new TaskDispatch(ProbeHandlers.CountTask, new ProbePayload(new string('y', 5000)));

        var results = await host.Runner.DispatchTasksAsync(items);

        Assert.That(results.Select(r => r.Succeeded), Is.EqualTo(Enumerable.Range(0, 12).Select(i => i != 5)));
        Assert.That(results[5].Error, Is.TypeOf<PayloadTooLargeException>());
        var sent = keys.Where((_, i) => i != 5).ToList();
        await host.WaitUntilAsync(() => Task.FromResult(sent.All(k => Probes.RunCount(k) == 1)), "every accepted task to run");
    }

    [Test]
    public async Task DispatchJobs_FunctionDoesNotExist_EveryItemNamesItsRow()
    {
        await using var host = await StartHostAsync(new Dictionary<string, string?>
        {
            ["JobRunners:AwsLambda:FunctionName"] = "jobrunners-no-such-function",
            ["JobRunners:MaintenanceInterval"] = "01:00:00",
        });

        var results = await host.Runner.DispatchJobsAsync(Enumerable.Range(0, 5).Select(_ => new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(NewKey()))).ToList());

        foreach (var result in results)
        {
            Assert.That(result.Error, Is.TypeOf<JobDispatchException>());
            var error = (JobDispatchException)result.Error!;
            Assert.That(error.JobId, Is.EqualTo(result.Job!.Id));
            Assert.That(error.Message, Does.Contain("ResourceNotFoundException"));
        }
        foreach (var result in results)
        {
            Assert.That((await host.Store.GetAsync(result.Job!.Id))!.DispatchedAt, Is.Null);
        }
    }

    [Test]
    public async Task DispatchJob_Delayed_WaitsUndispatchedInRowUntilOutboxSendsIt()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), new DispatchOptions { Delay = TimeSpan.FromSeconds(2) });
        var final = await host.WaitForFinalAsync(job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(job.DispatchedAt, Is.Null, "Lambda holds no delay: the row waits for the outbox");
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.DispatchedAt, Is.GreaterThanOrEqualTo(job.RunAt));
            Assert.That(final.StartedAt, Is.GreaterThanOrEqualTo(job.RunAt));
        });
    }
}
