using JobRunners.Scheduling;
using NUnit.Framework;

namespace JobRunners.Tests.Scheduling;

/// <summary>Run-time arithmetic: interval grids, cron in a time zone across daylight-saving changes, and bad input.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class ScheduleTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = new RecurringSchedulerOptions().CatchUpWindow;

    [Test]
    public void FirstRun_IntervalWithoutStart_IsOneIntervalFromNow()
    {
        Assert.That(Schedule.Every(TimeSpan.FromMinutes(5)).FirstRun(Start, null), Is.EqualTo(Start.AddMinutes(5)));
    }

    [Test]
    public void FirstRun_IntervalStartInFuture_IsTheStart()
    {
        Assert.That(Schedule.Every(TimeSpan.FromMinutes(5)).FirstRun(Start, Start.AddHours(1)), Is.EqualTo(Start.AddHours(1)));
    }

    [Test]
    public void FirstRun_IntervalStartInPast_IsFirstGridPointNotInPast()
    {
        var schedule = Schedule.Every(TimeSpan.FromMinutes(5));

        Assert.That(schedule.FirstRun(Start, Start.AddMinutes(-12)), Is.EqualTo(Start.AddMinutes(3)));
        Assert.That(schedule.FirstRun(Start, Start.AddMinutes(-10)), Is.EqualTo(Start));
    }

    [Test]
    public void NextAfter_IntervalOnTime_IsOneIntervalLater()
    {
        var schedule = Schedule.Every(TimeSpan.FromMinutes(5));

        Assert.That(schedule.NextAfter(Start, Start.AddMilliseconds(300), Window), Is.EqualTo(Start.AddMinutes(5)));
    }

    [Test]
    public void NextAfter_IntervalLateWithinCatchUpWindow_IsTheNextMissedRun()
    {
        var schedule = Schedule.Every(TimeSpan.FromMilliseconds(500));

        Assert.That(schedule.NextAfter(Start, Start.AddSeconds(3), Window), Is.EqualTo(Start.AddMilliseconds(500)));
    }

    [Test]
    public void NextAfter_IntervalOverdueBeyondCatchUpWindow_IsFirstGridPointInTheWindow()
    {
        var schedule = Schedule.Every(TimeSpan.FromMinutes(5));

        Assert.That(schedule.NextAfter(Start, Start.AddMinutes(23), TimeSpan.FromMinutes(1)), Is.EqualTo(Start.AddMinutes(25)));
        Assert.That(schedule.NextAfter(Start, Start.AddMinutes(23), TimeSpan.FromMinutes(4)), Is.EqualTo(Start.AddMinutes(20)));
        Assert.That(schedule.NextAfter(Start, Start.AddMinutes(25), TimeSpan.Zero), Is.EqualTo(Start.AddMinutes(25)));
    }

    [Test]
    public void NextAfter_CronOverdueBeyondCatchUpWindow_IsFirstOccurrenceInTheWindow()
    {
        var schedule = Schedule.Cron("*/10 * * * *");

        Assert.That(schedule.NextAfter(Start, Start.AddMinutes(15), TimeSpan.FromMinutes(10)), Is.EqualTo(Start.AddMinutes(10)));
        Assert.That(schedule.NextAfter(Start, Start.AddHours(3).AddMinutes(5), Window), Is.EqualTo(Start.AddHours(3).AddMinutes(10)));
    }

    [Test]
    public void GetNextRun_CronParisBeforeAndAfterSpringForward_KeepsLocalTime()
    {
        var schedule = Schedule.Cron("0 3 * * *", "Europe/Paris");

        var beforeChange = schedule.GetNextRun(new DateTimeOffset(2025, 3, 28, 12, 0, 0, TimeSpan.Zero));
        var afterChange = schedule.GetNextRun(beforeChange!.Value);

        Assert.That(beforeChange, Is.EqualTo(new DateTimeOffset(2025, 3, 29, 2, 0, 0, TimeSpan.Zero)), "03:00 CET");
        Assert.That(afterChange, Is.EqualTo(new DateTimeOffset(2025, 3, 30, 1, 0, 0, TimeSpan.Zero)), "03:00 CEST");
    }

    [Test]
    public void GetNextRun_CronTimeSkippedBySpringForward_RunsWhenClockJumps()
    {
        // 02:30 does not exist in Paris on 2025-03-30: clocks go from 02:00 straight to 03:00 (01:00 UTC).
        var schedule = Schedule.Cron("30 2 * * *", "Europe/Paris");

        var run = schedule.GetNextRun(new DateTimeOffset(2025, 3, 29, 12, 0, 0, TimeSpan.Zero));
        var next = schedule.GetNextRun(run!.Value);

        Assert.That(run, Is.EqualTo(new DateTimeOffset(2025, 3, 30, 1, 0, 0, TimeSpan.Zero)));
        Assert.That(next, Is.EqualTo(new DateTimeOffset(2025, 3, 31, 0, 30, 0, TimeSpan.Zero)));
    }

    [Test]
    public void GetNextRun_CronTimeRepeatedByFallBack_RunsOnce()
    {
        // 02:30 happens twice in Paris on 2025-10-26 (CEST, then CET): the job runs at the first only.
        var schedule = Schedule.Cron("30 2 * * *", "Europe/Paris");

        var run = schedule.GetNextRun(new DateTimeOffset(2025, 10, 25, 12, 0, 0, TimeSpan.Zero));
        var next = schedule.GetNextRun(run!.Value);

        Assert.That(run, Is.EqualTo(new DateTimeOffset(2025, 10, 26, 0, 30, 0, TimeSpan.Zero)));
        Assert.That(next, Is.EqualTo(new DateTimeOffset(2025, 10, 27, 1, 30, 0, TimeSpan.Zero)));
    }

    [Test]
    public void Cron_WithSeconds_ParsesSixFields()
    {
        var schedule = Schedule.Cron("*/15 * * * * *");

        Assert.That(schedule.GetNextRun(Start), Is.EqualTo(Start.AddSeconds(15)));
        Assert.That(schedule.TimeZone, Is.EqualTo("UTC"));
    }

    [Test]
    public void Cron_InvalidExpression_ThrowsInvalidScheduleExceptionNamingIt()
    {
        var error = Assert.Throws<InvalidScheduleException>(() => Schedule.Cron("61 * * * *"));

        Assert.That(error!.Message, Does.Contain("'61 * * * *'").And.Contain("five fields"));
    }

    [Test]
    public void Cron_UnknownTimeZone_ThrowsInvalidScheduleExceptionNamingIt()
    {
        var error = Assert.Throws<InvalidScheduleException>(() => Schedule.Cron("0 3 * * *", "Europe/Atlantis"));

        Assert.That(error!.Message, Does.Contain("'Europe/Atlantis'").And.Contain("IANA"));
    }

    [TestCase(0)]
    [TestCase(-5)]
    public void Every_NonPositive_ThrowsInvalidScheduleException(int seconds)
    {
        Assert.Throws<InvalidScheduleException>(() => Schedule.Every(TimeSpan.FromSeconds(seconds)));
    }

    [Test]
    public void NextAfter_CustomFunctionGoingBackwards_ThrowsInvalidScheduleException()
    {
        var schedule = Schedule.Custom(after => after.AddMinutes(-1));

        Assert.Throws<InvalidScheduleException>(() => schedule.NextAfter(Start, Start, Window));
    }

    [Test]
    public void NextAfter_CustomFunction_UsesItsAnswer()
    {
        var schedule = Schedule.Custom(after => after.Hour < 18 ? after.AddHours(2) : null);

        Assert.That(schedule.NextAfter(Start, Start.AddSeconds(1), Window), Is.EqualTo(Start.AddHours(2)));
        Assert.That(schedule.NextAfter(Start, Start.AddHours(5), Window), Is.EqualTo(Start.AddHours(6).AddMinutes(59)), "Past the window, the function is asked from the window's start.");
        Assert.That(schedule.NextAfter(Start.AddHours(7), Start.AddHours(7), Window), Is.Null);
    }
}
