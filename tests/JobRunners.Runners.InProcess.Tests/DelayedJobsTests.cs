using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace JobRunners.Runners.InProcess.Tests;

[TestFixture]
public sealed class DelayedJobsTests
{
    [Test]
    public async Task RunAsync_FakeClock_DeliversEachJobWhenDueInOrder()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var delayed = new DelayedJobs(time);
        var delivered = new List<long>();
        using var stop = new CancellationTokenSource();
        var loop = delayed.RunAsync((id, _) =>
        {
            lock (delivered)
            {
                delivered.Add(id);
            }

            return ValueTask.CompletedTask;
        }, stop.Token);

        delayed.Schedule(2, time.GetUtcNow().AddMinutes(10));
        delayed.Schedule(1, time.GetUtcNow().AddMinutes(5));
        await Task.Delay(50);
        Assert.That(Snapshot(), Is.Empty, "nothing is due yet");

        time.Advance(TimeSpan.FromMinutes(5));
        await WaitFor(() => Snapshot().Count == 1);
        Assert.That(Snapshot(), Is.EqualTo(new long[] { 1 }));

        time.Advance(TimeSpan.FromMinutes(5));
        await WaitFor(() => Snapshot().Count == 2);
        Assert.That(Snapshot(), Is.EqualTo(new long[] { 1, 2 }));

        await stop.CancelAsync();
        await loop;

        List<long> Snapshot()
        {
            lock (delivered)
            {
                return [.. delivered];
            }
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }
}
