using NUnit.Framework;

namespace JobRunners.Conformance;

public abstract partial class RunnerConformanceTests
{
    /// <summary>Every dispatched task runs, and runs once.</summary>
    [Test]
    public async Task DispatchTask_ManyTasks_EachRunsExactlyOnce()
    {
        await using var host = await StartHostAsync();
        var keys = Enumerable.Range(0, 100).Select(_ => NewKey()).ToList();

        foreach (var key in keys)
        {
            await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(key));
        }

        await host.WaitUntilAsync(() => Task.FromResult(keys.All(k => Probes.RunCount(k) >= 1)), "every task to run");
        Assert.That(keys.Select(Probes.RunCount), Is.All.EqualTo(1));
    }

    /// <summary>A batch of tasks is dispatched and each runs once.</summary>
    [Test]
    public async Task DispatchTasks_Batch_EachRunsOnce()
    {
        await using var host = await StartHostAsync();
        var keys = Enumerable.Range(0, 30).Select(_ => NewKey()).ToList();

        var results = await host.Runner.DispatchTasksAsync(keys.Select(k => new TaskDispatch(ProbeHandlers.CountTask, new ProbePayload(k))).ToList());

        Assert.That(results.Select(r => r.Error?.Message), Is.All.Null);
        await host.WaitUntilAsync(() => Task.FromResult(keys.All(k => Probes.RunCount(k) >= 1)), "every task to run");
        Assert.That(keys.Select(Probes.RunCount), Is.All.EqualTo(1));
    }

    /// <summary>A task that throws does not stop later tasks (inline runners hand the exception to the caller).</summary>
    [Test]
    public async Task DispatchTask_HandlerThrows_LaterTasksStillRun()
    {
        await using var host = await StartHostAsync();
        var key = NewKey();

        if (RunsInline)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await host.Runner.DispatchTaskAsync(ProbeHandlers.FailingTask, new ProbePayload(key)));
        }
        else
        {
            await host.Runner.DispatchTaskAsync(ProbeHandlers.FailingTask, new ProbePayload(key));
        }

        await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(key));
        await host.WaitUntilAsync(() => Task.FromResult(Probes.RunCount(key) == 1), "the task after the failing one to run");
    }
}
