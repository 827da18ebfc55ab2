using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>The trace that dispatched a job, kept with its row so that every attempt continues it.</content>
public abstract partial class JobStoreConformanceTests
{
    /// <summary>A W3C traceparent (version 00).</summary>
    protected const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /// <summary>A W3C tracestate with two vendors' entries.</summary>
    protected const string TraceState = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";

    [Test]
    public async Task InsertAsync_TraceContext_ReadBackByGetListAndClaim()
    {
        var inserted = await InsertAsync(NewJob() with { TraceParent = TraceParent, TraceState = TraceState });

        var read = await GetRequiredAsync(inserted.Id);
        var listed = await Store.ListAsync(new JobQuery { Limit = 10 });
        var claimed = await Store.ClaimAsync(ClaimDue());

        using (Assert.EnterMultipleScope())
        {
            foreach (var (what, job) in new[] { ("insert", inserted), ("get", read), ("list", listed.Single()), ("claim", claimed.Single()) })
            {
                Assert.That(job.TraceParent, Is.EqualTo(TraceParent), what);
                Assert.That(job.TraceState, Is.EqualTo(TraceState), what);
            }
        }
    }

    [Test]
    public async Task ClaimAsync_ById_ReturnsTheRowsTraceContext()
    {
        var inserted = await InsertAsync(NewJob() with { TraceParent = TraceParent });

        var claimed = await ClaimAsync(inserted.Id);

        Assert.That((claimed.TraceParent, claimed.TraceState), Is.EqualTo((TraceParent, (string?)null)));
    }

    [Test]
    public async Task InsertManyAsync_TraceContexts_KeptPerRowInInputOrder()
    {
        const string otherParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
        var held = await InsertAsync(NewJob() with { UniqueKey = "held", TraceParent = otherParent });

        var results = await Store.InsertManyAsync(
        [
            NewJob() with { TraceParent = TraceParent, TraceState = TraceState },
            NewJob(),
            NewJob("build-report") with { TraceParent = otherParent, UniqueKey = "report-1" },
            NewJob() with { UniqueKey = "held", TraceParent = TraceParent },
        ]);
        var claimed = (await Store.ClaimAsync(ClaimDue(limit: 10))).ToDictionary(j => j.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => (r.Job.TraceParent, r.Job.TraceState)), Is.EqualTo(new (string?, string?)[]
            {
                (TraceParent, TraceState),
                (null, null),
                (otherParent, null),
                (otherParent, null),
            }), "the row holding the key is returned as it was written");
            Assert.That(results[3].Job.Id, Is.EqualTo(held.Id));
            foreach (var result in results)
            {
                Assert.That(claimed[result.Job.Id].TraceParent, Is.EqualTo(result.Job.TraceParent), $"claimed row {result.Job.Id}");
                Assert.That(claimed[result.Job.Id].TraceState, Is.EqualTo(result.Job.TraceState), $"claimed row {result.Job.Id}");
            }
        }
    }

    [Test]
    public async Task InsertAsync_TraceParentOverLimit_RefusedNamingTheLimit()
    {
        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () =>
            await Store.InsertAsync(NewJob() with { TraceParent = new string('a', 300) }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.Field, Is.EqualTo("TraceParent"));
            Assert.That(error.Message, Does.Contain("traceparent").And.Contain("300 characters").And.Contain("256"));
            Assert.That(await Store.ListAsync(new JobQuery { Limit = 10 }), Is.Empty);
        }
    }

    [Test]
    public async Task InsertManyAsync_TraceStateOverLimit_RefusesTheWholeBatch()
    {
        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () => await Store.InsertManyAsync(
        [
            NewJob() with { TraceParent = TraceParent },
            NewJob() with { TraceParent = TraceParent, TraceState = "k=" + new string('v', 600) },
        ]));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.Field, Is.EqualTo("TraceState"));
            Assert.That(error.Message, Does.Contain("tracestate").And.Contain("602 characters").And.Contain("512").And.Contain("drop list entries"));
            Assert.That(await Store.ListAsync(new JobQuery { Limit = 10 }), Is.Empty, "nothing of the batch was written");
        }
    }

    [Test]
    public async Task InsertAsync_TraceStateWithoutTraceParent_Refused()
    {
        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () =>
            await Store.InsertAsync(NewJob() with { TraceState = TraceState }));

        Assert.That(error!.Field, Is.EqualTo("TraceState"));
        Assert.That(error.Message, Does.Contain("no traceparent"));
    }

    [Test]
    public async Task InsertAsync_NulInTraceParent_RefusedNamingTheField()
    {
        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () =>
            await Store.InsertAsync(NewJob() with { TraceParent = "00-\0" }));

        Assert.That(error!.Field, Is.EqualTo("TraceParent"));
        Assert.That(error.Message, Does.Contain("NUL"));
    }
}
