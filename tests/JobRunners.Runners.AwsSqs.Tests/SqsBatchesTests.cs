using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class SqsBatchesTests
{
    [Test]
    public void Plan_TwentyFiveSmallMessages_TenTenFive()
    {
        var batches = SqsBatches.Plan(Enumerable.Repeat(100, 25).ToList(), 262_144);

        Assert.That(batches.Select(b => b.Count), Is.EqualTo(new[] { 10, 10, 5 }));
        Assert.That(batches.SelectMany(b => b), Is.EqualTo(Enumerable.Range(0, 25)));
    }

    [Test]
    public void Plan_LargeMessages_SplitWithinBudget()
    {
        var batches = SqsBatches.Plan([100_000, 100_000, 100_000, 50_000, 262_144], 262_144);

        Assert.That(batches, Is.EqualTo(new[] { new[] { 0, 1 }, new[] { 2, 3 }, new[] { 4 } }));
    }

    [Test]
    public void Budget_QueueAllowsMore_UsesQueueLimit()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SqsBatches.Budget(1024), Is.EqualTo(262_144));
            Assert.That(SqsBatches.Budget(1_048_576), Is.EqualTo(1_048_576));
        });
    }
}
