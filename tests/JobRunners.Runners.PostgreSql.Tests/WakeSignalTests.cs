using JobRunners.Runners.PostgreSql;
using Microsoft.Extensions.Time.Testing;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>
/// The worker's wake-up at a due time: a wake-up before the row is due finds nothing to claim and the worker then
/// sleeps until its next poll, so the signal must never be given early, even when the platform's timers fire early.
/// </summary>
public sealed class WakeSignalTests
{
    [Test]
    public async Task SetAt_TimersThatFireEarly_SignalsOnlyOnceTheDueTimeIsReached()
    {
        var clock = new EarlyTimers(new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        using var wake = new WakeSignal(clock);
        var due = clock.GetUtcNow().AddMilliseconds(100);

        wake.SetAt(due);

        // Each timer fires at 60% of its delay: the first one at about 61 ms, the re-armed ones closer and closer.
        while (clock.GetUtcNow() < due.AddMilliseconds(-1))
        {
            clock.Inner.Advance(TimeSpan.FromMilliseconds(1));
        }

        // A wait on a signal already given completes at once.
        var woken = wake.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
        Assert.That(woken.IsCompleted, Is.False, $"signalled before {due:O}");

        while (clock.GetUtcNow() < due.AddMilliseconds(10))
        {
            clock.Inner.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.That(await woken.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "never signalled");
    }

    [Test]
    public void WakeMessage_DueTimeBetweenMilliseconds_IsAnnouncedNoEarlierThanTheRow()
    {
        var due = DateTimeOffset.Parse("2026-01-01T00:00:01.2341234Z", System.Globalization.CultureInfo.InvariantCulture);

        var parsed = WakeMessage.Parse(new WakeMessage("greet", "default", due).Serialize());

        Assert.That(parsed!.Value.DueAt, Is.GreaterThanOrEqualTo(due));
    }

    /// <summary>A clock whose timers fire at 60% of the asked delay, like a coarse platform tick but worse.</summary>
    private sealed class EarlyTimers(FakeTimeProvider inner) : TimeProvider
    {
        public FakeTimeProvider Inner { get; } = inner;

        public override DateTimeOffset GetUtcNow() => Inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            Inner.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : dueTime * 0.6, period);
    }
}
