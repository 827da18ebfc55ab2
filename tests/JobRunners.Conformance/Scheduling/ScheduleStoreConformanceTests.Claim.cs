using JobRunners.Scheduling;
using NUnit.Framework;

namespace JobRunners.Conformance.Scheduling;

/// <content>Due schedules, claims of a run, and their confirmation.</content>
public abstract partial class ScheduleStoreConformanceTests
{
    [Test]
    public async Task ListDueAsync_MixedSchedules_ReturnsDueOnesOldestFirst()
    {
        await CreateAsync(Interval("later") with { NextRunAt = Start.AddMinutes(10) });
        await CreateAsync(Interval("due-second") with { NextRunAt = Start.AddMinutes(2) });
        await CreateAsync(Interval("due-first") with { NextRunAt = Start.AddMinutes(1) });
        await CreateAsync(Interval("paused") with { NextRunAt = Start, Paused = true });
        Time.Advance(TimeSpan.FromMinutes(2));

        var due = await Store.ListDueAsync(Now, 10);

        Assert.That(due.Select(s => s.Tag), Is.EqualTo(new[] { "due-first", "due-second" }));
    }

    [Test]
    public async Task ListDueAsync_Limit_ReturnsAtMostThatMany()
    {
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync(Interval($"s{i}") with { NextRunAt = Start.AddSeconds(i) });
        }

        var due = await Store.ListDueAsync(Start.AddMinutes(1), 3);

        Assert.That(due.Select(s => s.Tag), Is.EqualTo(new[] { "s0", "s1", "s2" }));
    }

    [Test]
    public async Task ListDueAsync_ExecutionLimitReached_LeavesItOut()
    {
        await LeadAsync();
        await CreateAsync(Interval("once", maxExecutions: 1));
        await ClaimNextAsync("once");
        await Store.CompleteRunAsync("once", Start.AddMinutes(1), null, null);

        Assert.That(await Store.ListDueAsync(Start.AddDays(1), 10), Is.Empty);
    }

    [Test]
    public async Task ListDueAsync_PendingRunOfPausedSchedule_StillReturnsIt()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly"));
        await ClaimNextAsync("nightly");
        await Store.SetPausedAsync("nightly", true);

        var due = await Store.ListDueAsync(Start, 10);

        Assert.That(due.Select(s => (s.Tag, s.PendingRunAt)), Is.EqualTo(new[] { ("nightly", (DateTimeOffset?)Start.AddMinutes(1)) }));
    }

    [Test]
    public async Task TryClaimRunAsync_Leader_AdvancesAndMarksRunPending()
    {
        await CreateAsync(Interval("nightly"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await LeadAsync();

        var claimed = await Store.TryClaimRunAsync(new ScheduleClaim("nightly", Start.AddMinutes(1), Start.AddMinutes(2), Leader));

        var stored = await GetRequiredAsync("nightly");
        Assert.That(claimed, Is.True);
        Assert.That(stored.NextRunAt, Is.EqualTo(Start.AddMinutes(2)));
        Assert.That(stored.PendingRunAt, Is.EqualTo(Start.AddMinutes(1)));
        Assert.That(stored.LastRunAt, Is.EqualTo(Start.AddMinutes(1)));
        Assert.That(stored.Executions, Is.EqualTo(1));
        Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
    }

    [Test]
    public async Task TryClaimRunAsync_StaleDueTime_ReturnsFalseAndLeavesSchedule()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly"));
        var before = await GetRequiredAsync("nightly");

        var claimed = await Store.TryClaimRunAsync(new ScheduleClaim("nightly", Start.AddSeconds(59), Start.AddMinutes(2), Leader));

        Assert.That(claimed, Is.False);
        Assert.That(await Store.GetAsync("nightly"), Is.EqualTo(before));
    }

    [Test]
    public async Task TryClaimRunAsync_NotLeader_ReturnsFalse()
    {
        await LeadAsync(Leader);
        await CreateAsync(Interval("nightly"));

        Assert.That(await ClaimNextAsync("nightly", Follower), Is.False);
        Assert.That((await GetRequiredAsync("nightly")).Executions, Is.Zero);
    }

    [Test]
    public async Task TryClaimRunAsync_LeaseExpired_ReturnsFalse()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly"));
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        Assert.That(await ClaimNextAsync("nightly"), Is.False);
    }

    [Test]
    public async Task TryClaimRunAsync_RunAlreadyPending_ReturnsFalse()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly"));
        Assert.That(await ClaimNextAsync("nightly"), Is.True);

        Assert.That(await ClaimNextAsync("nightly"), Is.False, "A pending run must be confirmed before the next is claimed.");
        Assert.That((await GetRequiredAsync("nightly")).Executions, Is.EqualTo(1));
    }

    [Test]
    public async Task TryClaimRunAsync_Paused_ReturnsFalse()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly") with { Paused = true });

        Assert.That(await ClaimNextAsync("nightly"), Is.False);
    }

    [Test]
    public async Task TryClaimRunAsync_LastAllowedRun_ClearsNextRun()
    {
        await LeadAsync();
        await CreateAsync(Interval("twice", maxExecutions: 2));
        Assert.That(await ClaimNextAsync("twice"), Is.True);
        Assert.That(await Store.CompleteRunAsync("twice", Start.AddMinutes(1), 1, null), Is.True);

        Assert.That(await ClaimNextAsync("twice"), Is.True);

        var stored = await GetRequiredAsync("twice");
        Assert.That(stored.Executions, Is.EqualTo(2));
        Assert.That(stored.NextRunAt, Is.Null);
        Assert.That(stored.PendingRunAt, Is.EqualTo(Start.AddMinutes(2)));
    }

    [Test]
    public async Task TryClaimRunAsync_NoNextRun_ClearsNextRun()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly"));

        Assert.That(await Store.TryClaimRunAsync(new ScheduleClaim("nightly", Start.AddMinutes(1), null, Leader)), Is.True);

        Assert.That((await GetRequiredAsync("nightly")).NextRunAt, Is.Null);
    }

    [Test]
    public async Task TryClaimRunAsync_ManyConcurrentClaimsOfOneRun_ExactlyOneWins()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly"));
        var claim = new ScheduleClaim("nightly", Start.AddMinutes(1), Start.AddMinutes(2), Leader);

        var results = await RunConcurrentlyAsync(10, _ => Store.TryClaimRunAsync(claim));

        Assert.That(results.Count(won => won), Is.EqualTo(1));
        Assert.That((await GetRequiredAsync("nightly")).Executions, Is.EqualTo(1));
    }

    [Test]
    public async Task CompleteRunAsync_PendingRun_ClearsItAndRecordsJob()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly"));
        await ClaimNextAsync("nightly");
        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.That(await Store.CompleteRunAsync("nightly", Start.AddMinutes(1), 42, null), Is.True);

        var stored = await GetRequiredAsync("nightly");
        Assert.That(stored.PendingRunAt, Is.Null);
        Assert.That(stored.LastJobId, Is.EqualTo(42));
        Assert.That(stored.LastError, Is.Null);
        Assert.That(stored.UpdatedAt, Is.EqualTo(Now));
        Assert.That(await Store.CompleteRunAsync("nightly", Start.AddMinutes(1), 43, null), Is.False, "A run is confirmed once.");
    }

    [Test]
    public async Task CompleteRunAsync_Failure_RecordsErrorAndKeepsPreviousJob()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly"));
        await ClaimNextAsync("nightly");
        await Store.CompleteRunAsync("nightly", Start.AddMinutes(1), 42, null);
        await ClaimNextAsync("nightly");

        Assert.That(await Store.CompleteRunAsync("nightly", Start.AddMinutes(2), null, "UnknownHandlerException: no job"), Is.True);

        var stored = await GetRequiredAsync("nightly");
        Assert.That(stored.LastError, Is.EqualTo("UnknownHandlerException: no job"));
        Assert.That(stored.LastJobId, Is.EqualTo(42));
        Assert.That(stored.PendingRunAt, Is.Null);
    }

    [Test]
    public async Task CompleteRunAsync_OtherRun_ReturnsFalse()
    {
        await LeadAsync();
        await CreateAsync(Interval("nightly"));
        await ClaimNextAsync("nightly");

        Assert.That(await Store.CompleteRunAsync("nightly", Start.AddMinutes(5), 42, null), Is.False);
        Assert.That((await GetRequiredAsync("nightly")).PendingRunAt, Is.EqualTo(Start.AddMinutes(1)));
    }

    [Test]
    public async Task FindJobByUniqueKeyAsync_FinishedRow_FindsIt()
    {
        var inserted = (await Jobs.InsertAsync(new NewJobRequest { JobType = "send-report", QueueName = "send-report", Payload = "{}", UniqueKey = "schedule:nightly:1" })).Job;
        var claimed = await Jobs.ClaimAsync(new JobClaimRequest { WorkerId = "worker-1", Lease = TimeSpan.FromSeconds(30), Ids = [inserted.Id] });
        Assert.That(await Jobs.CompleteAsync([new JobCompletion(claimed[0].Id, "worker-1", JobOutcome.Succeeded)]), Is.EqualTo(new[] { inserted.Id }));

        Assert.That(await Store.FindJobByUniqueKeyAsync("send-report", "schedule:nightly:1"), Is.EqualTo(inserted.Id));
        Assert.That(await Store.FindJobByUniqueKeyAsync("send-report", "schedule:nightly:2"), Is.Null);
        Assert.That(await Store.FindJobByUniqueKeyAsync("other-job", "schedule:nightly:1"), Is.Null);
    }
}
