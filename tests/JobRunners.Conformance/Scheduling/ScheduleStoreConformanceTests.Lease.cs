using NUnit.Framework;

namespace JobRunners.Conformance.Scheduling;

/// <content>The scheduler lease: one leader at a time, taken over once expired.</content>
public abstract partial class ScheduleStoreConformanceTests
{
    [Test]
    public async Task TryAcquireLeaseAsync_NoLeader_TakesLease()
    {
        Assert.That(await Store.TryAcquireLeaseAsync(Leader, Lease), Is.True);

        var lease = await Store.GetLeaseAsync();
        Assert.That(lease, Is.Not.Null);
        Assert.That(lease!.Holder, Is.EqualTo(Leader));
        Assert.That(lease.AcquiredAt, Is.EqualTo(Now));
        Assert.That(lease.ExpiresAt, Is.EqualTo(Now + Lease));
    }

    [Test]
    public async Task TryAcquireLeaseAsync_HeldByOther_ReturnsFalse()
    {
        await LeadAsync(Leader);
        Time.Advance(Lease - TimeSpan.FromSeconds(1));

        Assert.That(await Store.TryAcquireLeaseAsync(Follower, Lease), Is.False);
        Assert.That((await Store.GetLeaseAsync())!.Holder, Is.EqualTo(Leader));
    }

    [Test]
    public async Task TryAcquireLeaseAsync_RenewedByHolder_ExtendsAndKeepsAcquiredAt()
    {
        await LeadAsync(Leader);
        var acquiredAt = Now;
        Time.Advance(TimeSpan.FromSeconds(10));

        Assert.That(await Store.TryAcquireLeaseAsync(Leader, Lease), Is.True);

        var lease = await Store.GetLeaseAsync();
        Assert.That(lease!.ExpiresAt, Is.EqualTo(Now + Lease));
        Assert.That(lease.AcquiredAt, Is.EqualTo(acquiredAt));
        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(await Store.TryAcquireLeaseAsync(Follower, Lease), Is.False, "The renewal moved the expiry.");
    }

    [Test]
    public async Task TryAcquireLeaseAsync_Expired_OtherTakesOver()
    {
        await LeadAsync(Leader);
        Time.Advance(Lease + TimeSpan.FromMilliseconds(1));

        Assert.That(await Store.TryAcquireLeaseAsync(Follower, Lease), Is.True);

        var lease = await Store.GetLeaseAsync();
        Assert.That(lease!.Holder, Is.EqualTo(Follower));
        Assert.That(lease.AcquiredAt, Is.EqualTo(Now));
        Assert.That(await Store.TryAcquireLeaseAsync(Leader, Lease), Is.False, "The old leader must not take it back.");
    }

    [Test]
    public async Task TryAcquireLeaseAsync_ManyConcurrentCandidates_ExactlyOneLeads()
    {
        var results = await RunConcurrentlyAsync(8, i => Store.TryAcquireLeaseAsync($"candidate-{i}", Lease));

        Assert.That(results.Count(leads => leads), Is.EqualTo(1));
        var winner = Array.IndexOf(results, true);
        Assert.That((await Store.GetLeaseAsync())!.Holder, Is.EqualTo($"candidate-{winner}"));
    }

    [Test]
    public async Task TryAcquireLeaseAsync_ExpiredWithConcurrentCandidates_ExactlyOneTakesOver()
    {
        await LeadAsync(Leader);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        var results = await RunConcurrentlyAsync(8, i => Store.TryAcquireLeaseAsync($"candidate-{i}", Lease));

        Assert.That(results.Count(leads => leads), Is.EqualTo(1));
    }

    [Test]
    public async Task ReleaseLeaseAsync_Holder_LetsAnotherLeadAtOnce()
    {
        await LeadAsync(Leader);

        Assert.That(await Store.ReleaseLeaseAsync(Leader), Is.True);

        Assert.That(await Store.TryAcquireLeaseAsync(Follower, Lease), Is.True);
    }

    [Test]
    public async Task ReleaseLeaseAsync_NotHolder_ReturnsFalseAndKeepsLease()
    {
        await LeadAsync(Leader);

        Assert.That(await Store.ReleaseLeaseAsync(Follower), Is.False);

        Assert.That((await Store.GetLeaseAsync())!.Holder, Is.EqualTo(Leader));
    }

    [Test]
    public async Task GetLeaseAsync_NeverLed_ReturnsNull()
    {
        Assert.That(await Store.GetLeaseAsync(), Is.Null);
    }
}
