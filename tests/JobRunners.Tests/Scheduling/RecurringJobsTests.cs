using JobRunners.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Moq;
using NUnit.Framework;

namespace JobRunners.Tests.Scheduling;

/// <summary>Definitions fail where they are written, and recurring jobs defined in code are stored at startup.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class RecurringJobsTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempFile _database = new();
    private readonly FakeTimeProvider _time = new(Start);

    [Test]
    public async Task AddOrUpdateAsync_UnknownJobType_ThrowsUnknownHandlerExceptionAndStoresNothing()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");

        var error = await Assert.ThrowsAsync<UnknownHandlerException>(async () =>
            await node.Recurring.AddOrUpdateAsync(Job("bad", "reprot", new ReportPayload("daily"))));

        Assert.That(error!.Message, Does.Contain("'reprot'").And.Contain(SchedulerNode.ReportJob));
        Assert.That(await node.Recurring.ListAsync(), Is.Empty);
    }

    [Test]
    public async Task AddOrUpdateAsync_InvalidPayload_ThrowsPayloadValidationExceptionNamingTheField()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");

        var error = await Assert.ThrowsAsync<PayloadValidationException>(async () =>
            await node.Recurring.AddOrUpdateAsync(Job("bad", SchedulerNode.ReportJob, new { name = "daily", copies = 50 })));

        Assert.That(error!.Errors.Select(e => e.Field), Is.EqualTo(new[] { "Copies" }));
        Assert.That(await node.Recurring.GetAsync("bad"), Is.Null);
    }

    [Test]
    public async Task AddOrUpdateAsync_CustomSchedule_ThrowsInvalidScheduleException()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");

        var error = await Assert.ThrowsAsync<InvalidScheduleException>(async () =>
            await node.Recurring.AddOrUpdateAsync(Job("custom", SchedulerNode.ReportJob, new ReportPayload("daily")) with { Schedule = Schedule.Custom(t => t.AddHours(1)) }));

        Assert.That(error!.Message, Does.Contain("AddRecurring"));
    }

    [TestCase("")]
    [TestCase("two words")]
    public async Task AddOrUpdateAsync_InvalidTag_ThrowsInvalidScheduleException(string tag)
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");

        await Assert.ThrowsAsync<InvalidScheduleException>(async () =>
            await node.Recurring.AddOrUpdateAsync(Job(tag, SchedulerNode.ReportJob, new ReportPayload("daily"))));
    }

    [Test]
    public async Task AddOrUpdateAsync_CronThatNeverRuns_ThrowsInvalidScheduleException()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");

        var error = await Assert.ThrowsAsync<InvalidScheduleException>(async () =>
            await node.Recurring.AddOrUpdateAsync(Job("feb30", SchedulerNode.ReportJob, new ReportPayload("daily")) with { Schedule = Schedule.Cron("0 0 30 2 *") }));

        Assert.That(error!.Message, Does.Contain("never runs"));
    }

    [Test]
    public async Task AddOrUpdateAsync_NegativeMaxExecutions_ThrowsInvalidScheduleException()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a");

        await Assert.ThrowsAsync<InvalidScheduleException>(async () =>
            await node.Recurring.AddOrUpdateAsync(Job("neg", SchedulerNode.ReportJob, new ReportPayload("daily")) with { MaxExecutions = -1 }));
    }

    [Test]
    public async Task StartAsync_CodeDefinedSchedules_StoresThemAndDispatchesCustomOnes()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a", configure: jobs => jobs
            .AddRecurring("nightly-report", SchedulerNode.ReportJob, new ReportPayload("nightly"), Schedule.Cron("0 3 * * *", "Europe/Paris"))
            .AddRecurring(Job("twice-a-day", SchedulerNode.ReportJob, new ReportPayload("custom")) with
            {
                Schedule = Schedule.Custom(after => after.AddHours(12)),
                MaxExecutions = 2,
            }));

        await StartupOf(node).StartAsync(CancellationToken.None);
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromHours(12));
            await node.RunOnceAsync();
        }

        var schedules = await node.Recurring.ListAsync();
        Assert.That(schedules.Select(s => (s.Tag, s.Kind)), Is.EqualTo(new[] { ("nightly-report", ScheduleKind.Cron), ("twice-a-day", ScheduleKind.Code) }));
        Assert.That(schedules[0].Executions, Is.EqualTo(2));
        Assert.That(schedules[1].Executions, Is.EqualTo(2));
        Assert.That(node.Runs.Count(r => r.Payload.Name == "custom"), Is.EqualTo(2));
    }

    [Test]
    public async Task StartAsync_Restart_KeepsNextRunAndExecutions()
    {
        static void Register(JobRunnersBuilder jobs) => jobs.AddRecurring("hourly", SchedulerNode.ReportJob, new ReportPayload("hourly"), Schedule.Every(TimeSpan.FromHours(1)));
        await using (var first = await SchedulerNode.StartAsync(_database.Path, _time, "node-a", configure: Register))
        {
            await StartupOf(first).StartAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromHours(1));
            await first.RunOnceAsync();
        }

        _time.Advance(TimeSpan.FromMinutes(20));
        await using var second = await SchedulerNode.StartAsync(_database.Path, _time, "node-a", configure: Register);
        await StartupOf(second).StartAsync(CancellationToken.None);

        var schedule = await second.Recurring.GetAsync("hourly");
        Assert.That(schedule!.Executions, Is.EqualTo(1));
        Assert.That(schedule.NextRunAt, Is.EqualTo(Start.AddHours(2)));
    }

    [Test]
    public async Task StartAsync_InvalidCodeDefinitions_FailsNamingEveryProblem()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a", configure: jobs => jobs
            .AddRecurring("unknown-type", "no-such-job", new ReportPayload("x"), Schedule.Every(TimeSpan.FromMinutes(1)))
            .AddRecurring("bad-payload", SchedulerNode.ReportJob, new { copies = 0 }, Schedule.Every(TimeSpan.FromMinutes(1))));

        var error = await Assert.ThrowsAsync<JobRunnerException>(async () => await StartupOf(node).StartAsync(CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("'unknown-type'").And.Contain("no-such-job").And.Contain("'bad-payload'").And.Contain("Copies"));
        Assert.That(await node.Recurring.ListAsync(), Is.Empty);
    }

    [Test]
    public async Task AddRecurring_DuplicateTag_ThrowsRegistrationException()
    {
        await Assert.ThrowsAsync<RegistrationException>(async () => await SchedulerNode.StartAsync(_database.Path, _time, "node-a", configure: jobs => jobs
            .AddRecurring("twice", SchedulerNode.ReportJob, new ReportPayload("a"), Schedule.Every(TimeSpan.FromMinutes(1)))
            .AddRecurring("twice", SchedulerNode.ReportJob, new ReportPayload("b"), Schedule.Every(TimeSpan.FromMinutes(2)))));
    }

    [Test]
    public async Task AddRecurring_InvalidCron_ThrowsWhereWritten()
    {
        await Assert.ThrowsAsync<InvalidScheduleException>(async () => await SchedulerNode.StartAsync(_database.Path, _time, "node-a", configure: jobs => jobs
            .AddRecurring("typo", SchedulerNode.ReportJob, new ReportPayload("a"), Schedule.Cron("0 3 * *"))));
    }

    [Test]
    public async Task AddOrUpdateAsync_JobStoreReplacedWithoutScheduleStore_ThrowsJobStoreExceptionNamingTheFix()
    {
        await using var node = await SchedulerNode.StartAsync(_database.Path, _time, "node-a", configure: jobs => jobs.UseStore(_ => Mock.Of<IJobStore>()));

        var error = await Assert.ThrowsAsync<JobStoreException>(async () =>
            await node.Recurring.AddOrUpdateAsync(Job("nightly", SchedulerNode.ReportJob, new ReportPayload("daily"))));

        Assert.That(error!.Message, Does.Contain("UseScheduleStore"));
    }

    public void Dispose() => _database.Dispose();

    private static RecurringJobsStartup StartupOf(SchedulerNode node) =>
        node.Services.GetServices<IHostedService>().OfType<RecurringJobsStartup>().Single();

    private static RecurringJob Job(string tag, string jobType, object payload) => new()
    {
        Tag = tag,
        JobType = jobType,
        Payload = payload,
        Schedule = Schedule.Every(TimeSpan.FromMinutes(1)),
    };
}
