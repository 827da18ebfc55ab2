using System.Collections.Concurrent;
using JobRunners.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace JobRunners.Runners.InProcess.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class InProcessJobRunnerTests : RunnerTestBase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"jobrunners-inproc-{Guid.NewGuid():N}.db");

    protected override string RunnerName => "in-process";

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddInProcessRunner();

    protected override void AddSettings(IDictionary<string, string?> settings) => settings["JobRunners:Sqlite:Path"] = _path;

    [Test]
    public async Task DispatchTask_TenThousandFromFourProducers_EachRunsExactlyOnce()
    {
        await using var host = await StartHostAsync();
        var keys = Enumerable.Range(0, 10_000).Select(i => $"{NewKey()}-{i}").ToArray();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(producer => Task.Run(async () =>
        {
            for (var i = producer; i < keys.Length; i += 4)
            {
                await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(keys[i]));
            }
        })));

        await host.WaitUntilAsync(() => Task.FromResult(keys.All(k => Probes.RunCount(k) >= 1)), "10,000 tasks to run");
        await Task.Delay(200);
        var counts = keys.Select(Probes.RunCount).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(counts.Count(c => c == 1), Is.EqualTo(10_000));
            Assert.That(counts.Sum(), Is.EqualTo(10_000));
        });
    }

    [Test]
    public async Task Startup_RowLeftRunningByDeadProcess_IsRescuedAndRun()
    {
        // A process that claimed the row and died: its lease lapses and nobody extends it.
        long id;
        await using (var first = await StartHostAsync())
        {
            var row = await first.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { Delay = TimeSpan.FromHours(1) });
            id = row.Id;
            Assert.That(await first.Store.ClaimOneAsync(id, "dead-process", TimeSpan.FromMilliseconds(1), ignoreRunAt: true), Is.Not.Null);
        }

        await Task.Delay(50);
        await using var second = await StartHostAsync();
        var final = await second.WaitForFinalAsync(id);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(final.Attempts, Is.EqualTo(2), "the dead process's attempt counts");
            Assert.That(final.LastError, Does.Contain("Lease expired").And.Contain("dead-process"));
        });
    }

    [Test]
    public async Task Restart_DelayedJob_SurvivesAndRunsAfterNextStart()
    {
        var key = NewKey();
        long id;
        await using (var first = await StartHostAsync())
        {
            id = (await first.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(key), new DispatchOptions { Delay = TimeSpan.FromSeconds(1) })).Id;
        }

        Assert.That(Probes.RunCount(key), Is.Zero, "the job is not due before the restart");
        await using var second = await StartHostAsync();
        var final = await second.WaitForFinalAsync(id);

        Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(Probes.RunCount(key), Is.EqualTo(1));
    }

    [Test]
    public async Task Stop_WithQueuedJobs_LeavesThemQueuedAndRunsThemAfterNextStart()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new ConcurrentBag<int>();
        var ids = new List<long>();
        var settings = new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "in-process",
            ["JobRunners:Sqlite:Path"] = _path,
            ["JobRunners:InProcess:Workers"] = "1",
            ["JobRunners:InProcess:ShutdownTimeout"] = "00:00:05",
        };

        using (var first = BuildHostWith(settings, jobs => jobs.AddJob<ProbePayload>("gated", async (p, _, ct) =>
        {
            ran.Add(p.Count);
            await gate.Task.WaitAsync(ct);
        })))
        {
            await first.StartAsync();
            var runner = first.Services.GetRequiredService<IJobRunner>();
            for (var i = 0; i < 5; i++)
            {
                ids.Add((await runner.DispatchJobAsync("gated", new ProbePayload("g", i))).Id);
            }

            await WaitUntil(() => !ran.IsEmpty);
            var stopping = first.StopAsync();
            gate.SetResult();
            await stopping;
        }

        Assert.That(ran, Has.Count.EqualTo(1), "only the running job finishes during shutdown");
        using var second = BuildHostWith(settings, jobs => jobs.AddJob<ProbePayload>("gated", (p, _, _) =>
        {
            ran.Add(p.Count);
            return ValueTask.CompletedTask;
        }));
        await second.StartAsync();
        var store = second.Services.GetRequiredService<IJobStore>();
        await WaitUntil(() => ids.All(id => store.GetAsync(id).AsTask().Result?.Status == JobStatus.Succeeded));
        await second.StopAsync();

        Assert.That(ran.Order(), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
    }

    [Test]
    public async Task Stop_RunningJobPastShutdownTimeout_IsReleasedWithoutCountingTheAttempt()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "in-process",
            ["JobRunners:Sqlite:Path"] = _path,
            ["JobRunners:InProcess:ShutdownTimeout"] = "00:00:00.200",
        };
        using var host = BuildHostWith(settings, jobs => jobs.AddJob<ProbePayload>("endless", async (_, _, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
        }));
        await host.StartAsync();
        var id = (await host.Services.GetRequiredService<IJobRunner>().DispatchJobAsync("endless", new ProbePayload("e"))).Id;
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await host.StopAsync();

        var row = await host.Services.GetRequiredService<IJobStore>().GetAsync(id);
        Assert.Multiple(() =>
        {
            Assert.That(row!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(row.Attempts, Is.Zero);
            Assert.That(row.LockedBy, Is.Null);
        });
    }

    [Test]
    public async Task DispatchTask_ChannelFull_DispatchWaitsForRoom()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "in-process",
            ["JobRunners:Sqlite:Path"] = _path,
            ["JobRunners:InProcess:Workers"] = "1",
            ["JobRunners:InProcess:Capacity"] = "2",
        };
        using var host = BuildHostWith(settings, jobs => jobs.AddTask<ProbePayload>("blocked", (_, _, ct) => new ValueTask(gate.Task.WaitAsync(ct))));
        await host.StartAsync();
        var runner = host.Services.GetRequiredService<IJobRunner>();

        // One task runs (blocked), two fill the channel; the fourth must wait.
        await runner.DispatchTaskAsync("blocked", new ProbePayload("a"));
        await WaitUntil(() => true);
        await runner.DispatchTaskAsync("blocked", new ProbePayload("b"));
        await runner.DispatchTaskAsync("blocked", new ProbePayload("c"));
        var fourth = runner.DispatchTaskAsync("blocked", new ProbePayload("d")).AsTask();
        await Task.Delay(200);
        var waitedWhileFull = !fourth.IsCompleted;
        gate.SetResult();
        await fourth.WaitAsync(TimeSpan.FromSeconds(60));
        await host.StopAsync();

        Assert.That(waitedWhileFull, Is.True, "dispatch returned while the channel was full");
    }

    [Test]
    public async Task DispatchJob_WhileManyTasksWaitForTheOnlyWorker_JobRunsBeforeTheTasksAreDone()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new ConcurrentQueue<string>();
        var firstRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "in-process",
            ["JobRunners:Sqlite:Path"] = _path,
            ["JobRunners:InProcess:Workers"] = "1",
        };
        using var host = BuildHostWith(settings, jobs => jobs
            .AddTask<ProbePayload>("step", async (payload, _, ct) =>
            {
                if (payload.Key == "first")
                {
                    firstRunning.TrySetResult();
                    await gate.Task.WaitAsync(ct);
                }

                order.Enqueue(payload.Key);
            })
            .AddJob<ProbePayload>("urgent", (payload, _, _) =>
            {
                order.Enqueue(payload.Key);
                return ValueTask.CompletedTask;
            }));
        await host.StartAsync();
        var runner = host.Services.GetRequiredService<IJobRunner>();

        // The first task holds the only worker; 500 more wait behind it, then a job arrives.
        await runner.DispatchTaskAsync("step", new ProbePayload("first"));
        await firstRunning.Task.WaitAsync(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 500; i++)
        {
            await runner.DispatchTaskAsync("step", new ProbePayload($"task-{i}"));
        }

        await runner.DispatchJobAsync("urgent", new ProbePayload("job"));
        var worker = host.Services.GetRequiredService<InProcessWorker>();
        await WaitUntil(() => worker.JobsWaitingForSlot == 1);
        gate.SetResult();
        await WaitUntil(() => order.Count == 502);
        await host.StopAsync();

        var position = order.ToList().IndexOf("job");
        Assert.That(position, Is.InRange(1, 500), "the job waits for a run of tasks to give the worker up, not for every task queued before it");
    }

    /// <summary>
    /// Finding 6 on in-process: a row rescued from a dead worker runs before the backlog queued after it, not behind
    /// it: maintenance hands it over ahead of the channel.
    /// </summary>
    [Test]
    public async Task Finding06_RescuedRowBehindABacklog_RunsBeforeTheBacklog()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new ConcurrentQueue<string>();
        var resent = new LogSignal("The outbox re-sent 1 job(s) to in-process");
        var settings = new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "in-process",
            ["JobRunners:Sqlite:Path"] = _path,
            ["JobRunners:InProcess:Workers"] = "1",
            ["JobRunners:MaintenanceInterval"] = "00:00:00.200",
            ["JobRunners:OutboxGrace"] = "00:00:00",
        };
        using var host = BuildHostWith(settings, jobs => jobs.AddJob<ProbePayload>("gated", async (payload, _, ct) =>
        {
            if (payload.Key == "blocker")
            {
                blocking.TrySetResult();
                await gate.Task.WaitAsync(ct);
            }

            order.Enqueue(payload.Key);
        }), resent);
        await host.StartAsync();
        var runner = host.Services.GetRequiredService<IJobRunner>();
        var store = host.Services.GetRequiredService<IJobStore>();

        // The only worker is busy; a backlog waits in the channel.
        await runner.DispatchJobAsync("gated", new ProbePayload("blocker"));
        await blocking.Task.WaitAsync(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 20; i++)
        {
            await runner.DispatchJobAsync("gated", new ProbePayload($"backlog-{i}"));
        }

        // A row another worker claimed and died with (not due yet, so only that claim takes it); the rescue makes it due.
        var row = (await store.InsertAsync(new NewJobRequest
        {
            JobType = "gated",
            QueueName = "gated",
            Payload = """{"key":"rescued","count":0}""",
            MaxAttempts = 3,
            Runner = "in-process",
            Dispatched = true,
            RunAt = DateTimeOffset.UtcNow.AddHours(1),
        })).Job;
        var claimed = await store.ClaimAsync(new JobClaimRequest { WorkerId = "dead-worker", Lease = TimeSpan.FromMilliseconds(300), Ids = [row.Id], IgnoreRunAt = true });
        Assert.That(claimed, Has.Count.EqualTo(1));
        await resent.Seen.WaitAsync(TimeSpan.FromSeconds(60));

        gate.SetResult();
        await WaitUntil(() => order.Count == 22);
        await host.StopAsync();

        Assert.That(order.ToList().IndexOf("rescued"), Is.EqualTo(1), "right after the job that held the worker: " + string.Join(", ", order));
    }

    [TearDown]
    public void DeleteFile()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    private static IHost BuildHostWith(Dictionary<string, string?> settings, Action<JobRunnersBuilder> register, Microsoft.Extensions.Logging.ILoggerProvider? log = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (log is not null)
        {
            builder.Services.AddSingleton(log);
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddJobRunners(builder.Configuration, jobs =>
        {
            jobs.UseSqlite().AddInProcessRunner();
            register(jobs);
        });
        return builder.Build();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out");
            await Task.Delay(20);
        }
    }
}
