using JobRunners.Scheduling;
using NUnit.Framework;

namespace JobRunners.Conformance.Scheduling;

/// <content>Creating and updating schedules by tag.</content>
public abstract partial class ScheduleStoreConformanceTests
{
    [Test]
    public async Task UpsertAsync_NewTag_StoresEveryField()
    {
        var definition = Interval("nightly", maxExecutions: 3) with
        {
            StartAt = Start.AddSeconds(30),
            NoOverlap = true,
            QueueName = "reports",
            Priority = 7,
            MaxAttempts = 4,
        };

        var result = await Store.UpsertAsync(definition);

        var stored = result.Schedule;
        Assert.That(result.Created, Is.True);
        Assert.That(stored.Tag, Is.EqualTo("nightly"));
        Assert.That(stored.JobType, Is.EqualTo("send-report"));
        AssertSameJson(stored.Payload, definition.Payload);
        Assert.That(stored.Kind, Is.EqualTo(ScheduleKind.Interval));
        Assert.That(stored.Interval, Is.EqualTo(TimeSpan.FromMinutes(1)));
        Assert.That(stored.Cron, Is.Null);
        Assert.That(stored.StartAt, Is.EqualTo(Start.AddSeconds(30)));
        Assert.That(stored.NextRunAt, Is.EqualTo(Start.AddMinutes(1)));
        Assert.That(stored.LastRunAt, Is.Null);
        Assert.That(stored.PendingRunAt, Is.Null);
        Assert.That(stored.LastJobId, Is.Null);
        Assert.That(stored.Executions, Is.Zero);
        Assert.That(stored.MaxExecutions, Is.EqualTo(3));
        Assert.That(stored.NoOverlap, Is.True);
        Assert.That(stored.Paused, Is.False);
        Assert.That(stored.QueueName, Is.EqualTo("reports"));
        Assert.That(stored.Priority, Is.EqualTo(7));
        Assert.That(stored.MaxAttempts, Is.EqualTo(4));
        Assert.That(stored.CreatedAt, Is.EqualTo(Now));
        Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
        Assert.That(await Store.GetAsync("nightly"), Is.EqualTo(stored));
    }

    [Test]
    public async Task UpsertAsync_CronSchedule_StoresExpressionAndZone()
    {
        var stored = await CreateAsync(Cron("paris"));

        Assert.That(stored.Kind, Is.EqualTo(ScheduleKind.Cron));
        Assert.That(stored.Cron, Is.EqualTo("0 3 * * *"));
        Assert.That(stored.TimeZone, Is.EqualTo("Europe/Paris"));
        Assert.That(stored.Interval, Is.Null);
        Assert.That(stored.NextRunAt, Is.EqualTo(new DateTimeOffset(2025, 1, 2, 2, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task UpsertAsync_CreatedPaused_StoresPaused()
    {
        var stored = await CreateAsync(Interval("nightly") with { Paused = true });

        Assert.That(stored.Paused, Is.True);
    }

    [Test]
    public async Task UpsertAsync_SameTiming_KeepsNextRunAndHistoryAndReplacesTheRest()
    {
        await LeadAsync();
        var created = await CreateAsync(Interval("nightly"));
        Assert.That(await ClaimNextAsync("nightly"), Is.True);
        var claimed = await GetRequiredAsync("nightly");
        Time.Advance(TimeSpan.FromSeconds(5));

        var result = await Store.UpsertAsync(Interval("nightly") with
        {
            JobType = "send-summary",
            Payload = """{"to":"bob@example.com"}""",
            NextRunAt = Start.AddMinutes(30),
            QueueName = "slow",
            NoOverlap = true,
        });

        var updated = result.Schedule;
        Assert.That(result.Created, Is.False);
        Assert.That(updated.JobType, Is.EqualTo("send-summary"));
        AssertSameJson(updated.Payload, """{"to":"bob@example.com"}""");
        Assert.That(updated.QueueName, Is.EqualTo("slow"));
        Assert.That(updated.NoOverlap, Is.True);
        Assert.That(updated.NextRunAt, Is.EqualTo(claimed.NextRunAt), "The timing did not change, so the next run stays.");
        Assert.That(updated.Executions, Is.EqualTo(1));
        Assert.That(updated.LastRunAt, Is.EqualTo(claimed.LastRunAt));
        Assert.That(updated.PendingRunAt, Is.EqualTo(claimed.PendingRunAt));
        Assert.That(updated.CreatedAt, Is.EqualTo(created.CreatedAt));
        Assert.That(updated.UpdatedAt, Is.EqualTo(Now));
    }

    [Test]
    public async Task UpsertAsync_ChangedInterval_ReplacesNextRun()
    {
        await CreateAsync(Interval("nightly"));

        var updated = (await Store.UpsertAsync(Interval("nightly") with { Interval = TimeSpan.FromMinutes(5), NextRunAt = Start.AddMinutes(5) })).Schedule;

        Assert.That(updated.Interval, Is.EqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(updated.NextRunAt, Is.EqualTo(Start.AddMinutes(5)));
    }

    [Test]
    public async Task UpsertAsync_ChangedKind_ReplacesTimingAndNextRun()
    {
        await CreateAsync(Interval("nightly"));

        var updated = (await Store.UpsertAsync(Cron("nightly"))).Schedule;

        Assert.That(updated.Kind, Is.EqualTo(ScheduleKind.Cron));
        Assert.That(updated.Interval, Is.Null);
        Assert.That(updated.Cron, Is.EqualTo("0 3 * * *"));
        Assert.That(updated.NextRunAt, Is.EqualTo(Cron("nightly").NextRunAt));
    }

    [Test]
    public async Task UpsertAsync_ChangedTimeZone_ReplacesNextRun()
    {
        await CreateAsync(Cron("nightly"));
        var tokyo = new DateTimeOffset(2025, 1, 1, 18, 0, 0, TimeSpan.Zero);

        var updated = (await Store.UpsertAsync(Cron("nightly") with { TimeZone = "Asia/Tokyo", NextRunAt = tokyo })).Schedule;

        Assert.That(updated.TimeZone, Is.EqualTo("Asia/Tokyo"));
        Assert.That(updated.NextRunAt, Is.EqualTo(tokyo));
    }

    [Test]
    public async Task UpsertAsync_ChangedStartAt_ReplacesNextRun()
    {
        await CreateAsync(Interval("nightly"));

        var updated = (await Store.UpsertAsync(Interval("nightly") with { StartAt = Start.AddHours(2), NextRunAt = Start.AddHours(2) })).Schedule;

        Assert.That(updated.StartAt, Is.EqualTo(Start.AddHours(2)));
        Assert.That(updated.NextRunAt, Is.EqualTo(Start.AddHours(2)));
    }

    [Test]
    public async Task UpsertAsync_PausedSchedule_KeepsPausedWhateverTheDefinitionSays()
    {
        await CreateAsync(Interval("nightly"));
        await Store.SetPausedAsync("nightly", true);

        var updated = (await Store.UpsertAsync(Interval("nightly") with { Paused = false })).Schedule;

        Assert.That(updated.Paused, Is.True);
    }

    [Test]
    public async Task UpsertAsync_LimitLoweredToExecutionsSoFar_ClearsNextRun()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly"));
        await ClaimNextAsync("nightly");
        await Store.CompleteRunAsync("nightly", Start.AddMinutes(1), null, null);

        var updated = (await Store.UpsertAsync(Interval("nightly", maxExecutions: 1))).Schedule;

        Assert.That(updated.NextRunAt, Is.Null);
        Assert.That(updated.IsCompleted, Is.True);
    }

    [Test]
    public async Task UpsertAsync_CompletedScheduleGivenMoreRuns_TakesNewNextRun()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly", maxExecutions: 1));
        await ClaimNextAsync("nightly");
        await Store.CompleteRunAsync("nightly", Start.AddMinutes(1), null, null);
        Assert.That((await GetRequiredAsync("nightly")).NextRunAt, Is.Null);

        var updated = (await Store.UpsertAsync(Interval("nightly", maxExecutions: 3) with { NextRunAt = Start.AddMinutes(10) })).Schedule;

        Assert.That(updated.NextRunAt, Is.EqualTo(Start.AddMinutes(10)));
        Assert.That(updated.Executions, Is.EqualTo(1));
    }

    [Test]
    public async Task UpsertAsync_SameTagConcurrently_OneScheduleAndOneCreation()
    {
        var results = await RunConcurrentlyAsync(8, _ => Store.UpsertAsync(Interval("nightly")));

        Assert.That(results.Count(r => r.Created), Is.EqualTo(1));
        Assert.That(await Store.ListAsync(), Has.Count.EqualTo(1));
    }

    [Test]
    public void UpsertAsync_IntervalKindWithoutInterval_ThrowsArgumentException()
    {
        var definition = Interval("nightly") with { Interval = null };

        Assert.That(async () => await Store.UpsertAsync(definition), Throws.InstanceOf<ArgumentException>());
    }

    [Test]
    public void UpsertAsync_NegativeMaxExecutions_ThrowsArgumentOutOfRangeException()
    {
        var definition = Interval("nightly") with { MaxExecutions = -1 };

        Assert.That(async () => await Store.UpsertAsync(definition), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
