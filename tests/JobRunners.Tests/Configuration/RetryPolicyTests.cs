using NUnit.Framework;

namespace JobRunners.Tests.Configuration;

[TestFixture]
public sealed class RetryPolicyTests
{
    [Test]
    public void DelayAfter_NoJitter_DoublesEachAttemptUntilCapped()
    {
        var policy = new RetryPolicy { InitialDelay = TimeSpan.FromSeconds(1), Multiplier = 2, MaxDelay = TimeSpan.FromSeconds(10), Jitter = 0 };

        var delays = Enumerable.Range(1, 6).Select(a => policy.DelayAfter(a, 0.5).TotalSeconds).ToArray();

        Assert.That(delays, Is.EqualTo(new double[] { 1, 2, 4, 8, 10, 10 }));
    }

    [TestCase(0.0, 8.0)]
    [TestCase(0.5, 10.0)]
    [TestCase(0.999999, 12.0)]
    public void DelayAfter_Jitter_SpreadsWithinFraction(double random, double expectedSeconds)
    {
        var policy = new RetryPolicy { InitialDelay = TimeSpan.FromSeconds(10), Jitter = 0.2, MaxDelay = TimeSpan.FromMinutes(1) };

        Assert.That(policy.DelayAfter(1, random).TotalSeconds, Is.EqualTo(expectedSeconds).Within(0.001));
    }

    [Test]
    public void DelayAfter_JitterAboveCap_NeverExceedsMaxDelay()
    {
        var policy = new RetryPolicy { InitialDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromSeconds(10), Jitter = 0.5 };

        Assert.That(policy.DelayAfter(3, 0.999).TotalSeconds, Is.LessThanOrEqualTo(10));
    }

    [Test]
    public void Validate_BadValues_ReportsEveryProblem()
    {
        var policy = new RetryPolicy { MaxAttempts = 0, InitialDelay = TimeSpan.FromSeconds(-1), Multiplier = 0.5, Jitter = 2 };

        Assert.That(policy.Validate("JobRunners:Retry").ToList(), Has.Count.EqualTo(4));
    }
}
