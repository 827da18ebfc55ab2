using JobRunners.Conformance;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>Tasks are durable rows that leave no history: deleted once run, kept only when they fail for good.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class PostgreSqlTaskRowTests : PostgreSqlTestBase
{
    [Test]
    public async Task DispatchTask_WorkerDown_WaitsAsARowAndRunsOnceAWorkerStarts()
    {
        var key = NewKey();
        await using (var dispatcher = await StartHostAsync(DispatchOnly()))
        {
            await dispatcher.Runner.DispatchTaskAsync(TestJobs.RecordTask, new TestPayload(key));
            var results = await dispatcher.Runner.DispatchTasksAsync(
                Enumerable.Range(1, 3).Select(i => new TaskDispatch(TestJobs.RecordTask, new TestPayload(key, i))).ToList());
            Assert.That(results.Select(r => r.Error), Is.All.Null);
        }

        Assert.That(await CountAsync($"job_type = 'task:{TestJobs.RecordTask}' AND status = 'queued'"), Is.EqualTo(4), "tasks wait as rows");
        await using var worker = await StartHostAsync();
        await worker.WaitUntilAsync(() => Task.FromResult(TestJobs.StartsOf(key).Count == 4), "every task to run");
        await worker.WaitUntilAsync(async () => await CountAsync("true") == 0, "the task rows to be deleted");

        Assert.That(TestJobs.StartsOf(key).Select(s => s.Value).Order(), Is.EqualTo(new[] { 0, 1, 2, 3 }));
    }

    [Test]
    public async Task DispatchTask_HandlerAlwaysThrows_RetriedThenKeptAsFailedRow()
    {
        await using var host = await StartHostAsync(With(
            ("JobRunners:Retry:MaxAttempts", "2"),
            ("JobRunners:Retry:InitialDelay", "00:00:00.050"),
            ("JobRunners:Retry:MaxDelay", "00:00:00.100")));
        var key = NewKey();

        await host.Runner.DispatchTaskAsync(ProbeHandlers.FailingTask, new ProbePayload(key));

        JobRequest? row = null;
        await host.WaitUntilAsync(async () =>
            (row = (await host.Store.ListAsync(new JobQuery { JobType = "task:" + ProbeHandlers.FailingTask })).SingleOrDefault()) is { Status: JobStatus.Failed },
            "the task row to fail");
        Assert.Multiple(() =>
        {
            Assert.That(row!.Attempts, Is.EqualTo(2));
            Assert.That(row.LastError, Does.Contain($"probe task {key} failed"));
            Assert.That(row.FinishedAt, Is.Not.Null, "pruned by retention like any finished row");
        });
    }

    [Test]
    public async Task DispatchTask_Succeeds_LeavesNoRowBehind()
    {
        await using var host = await StartHostAsync();
        var keys = Enumerable.Range(0, 50).Select(_ => NewKey()).ToList();

        await host.Runner.DispatchTasksAsync(keys.Select(k => new TaskDispatch(ProbeHandlers.CountTask, new ProbePayload(k))).ToList());

        await host.WaitUntilAsync(() => Task.FromResult(keys.All(k => Probes.RunCount(k) == 1)), "every task to run");
        await host.WaitUntilAsync(async () => (await host.Store.ListAsync(new JobQuery())).Count == 0, "no row to remain");
    }
}
