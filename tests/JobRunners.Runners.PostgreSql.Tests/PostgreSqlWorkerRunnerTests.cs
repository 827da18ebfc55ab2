using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary><c>worker --once</c> and <c>worker --drain</c>: <see cref="PostgreSqlWorkerRunner"/> in a host without the hosted worker.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class PostgreSqlWorkerRunnerTests : PostgreSqlTestBase
{
    [Test]
    public async Task RunOnceAsync_ThreeDue_RunsOnlyTheHighestPriority()
    {
        await using var host = await StartHostAsync(DispatchOnly());
        var key = NewKey();
        var ids = new List<long>();
        foreach (var priority in new[] { 1, 7, 3 })
        {
            ids.Add((await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key, priority), new DispatchOptions { Priority = priority })).Id);
        }

        var result = await host.Services.GetRequiredService<PostgreSqlWorkerRunner>().RunOnceAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Total, Is.EqualTo(1));
            Assert.That(result.JobsSucceeded, Is.EqualTo(1));
            Assert.That(TestJobs.StartsOf(key).Select(s => s.Value), Is.EqualTo(new[] { 7 }));
        });
        var statuses = new List<JobStatus>();
        foreach (var id in ids)
        {
            statuses.Add((await host.Store.GetAsync(id))!.Status);
        }

        Assert.That(statuses, Is.EqualTo(new[] { JobStatus.Queued, JobStatus.Succeeded, JobStatus.Queued }));
    }

    [Test]
    public async Task RunOnceAsync_NothingDue_ReturnsZeroAtOnce()
    {
        await using var host = await StartHostAsync(DispatchOnly());
        await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(NewKey()), new DispatchOptions { Delay = TimeSpan.FromHours(1) });

        var result = await host.Services.GetRequiredService<PostgreSqlWorkerRunner>().RunOnceAsync().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(result.Total, Is.Zero);
    }

    [Test]
    public async Task DrainAsync_MixedWork_RunsEverythingDueIncludingNewWorkThenReturns()
    {
        await using var host = await StartHostAsync(DispatchOnly(("JobRunners:PostgreSql:Concurrency", "4")));
        var key = NewKey();
        var queue = new DispatchOptions { QueueName = "q-" + key };
        for (var i = 0; i < 10; i++)
        {
            await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key, i), queue with { LocksQueue = i % 3 == 0 });
        }

        var parent = await host.Runner.DispatchJobAsync(ProbeHandlers.ParentJob, new ProbePayload(key));
        var failing = await host.Runner.DispatchJobAsync(TestJobs.FailsSlowRetry, new TestPayload(key + ".fails"));
        var later = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(key + ".later"), new DispatchOptions { Delay = TimeSpan.FromHours(1) });
        await host.Runner.DispatchTaskAsync(TestJobs.RecordTask, new TestPayload(key + ".task"));

        var result = await host.Services.GetRequiredService<PostgreSqlWorkerRunner>().DrainAsync();

        var child = long.Parse((await host.Store.GetAsync(parent.Id))!.ResultMessage!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Multiple(async () =>
        {
            Assert.That(TestJobs.StartsOf(key), Has.Count.EqualTo(10), "every job of the queue, locking or not");
            Assert.That((await host.Store.GetAsync(child))!.Status, Is.EqualTo(JobStatus.Succeeded), "the child the parent dispatched");
            Assert.That((await host.Store.GetAsync(failing.Id))!.Status, Is.EqualTo(JobStatus.Queued), "its retry is not due yet");
            Assert.That((await host.Store.GetAsync(later.Id))!.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(TestJobs.StartsOf(key + ".task"), Has.Count.EqualTo(1));
            Assert.That(result.JobsRun, Is.EqualTo(13));
            Assert.That(result.JobsSucceeded, Is.EqualTo(12));
            Assert.That(result.JobsRetried, Is.EqualTo(1));
            Assert.That(result.TasksRun, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task DrainAsync_SpecialisedByJobType_RunsOnlyThatType()
    {
        await using var host = await StartHostAsync(DispatchOnly(("JOBRUNNERS_POSTGRES_JOB_TYPES", TestJobs.Record)));
        var served = await host.Runner.DispatchJobAsync(TestJobs.Record, new TestPayload(NewKey()));
        var other = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()));

        var result = await host.Services.GetRequiredService<PostgreSqlWorkerRunner>().DrainAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(result.JobsRun, Is.EqualTo(1));
            Assert.That((await host.Store.GetAsync(served.Id))!.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That((await host.Store.GetAsync(other.Id))!.Status, Is.EqualTo(JobStatus.Queued));
        });
    }

    [Test]
    public async Task DrainAsync_Empty_ReturnsZero()
    {
        await using var host = await StartHostAsync(DispatchOnly());

        var result = await host.Services.GetRequiredService<PostgreSqlWorkerRunner>().DrainAsync();

        Assert.That(result, Is.EqualTo(new PostgreSqlWorkResult()));
        Assert.That(await host.Store.ListAsync(new JobQuery()), Is.Empty);
    }
}
