using NUnit.Framework;

namespace JobRunners.Conformance.Storage;

/// <content>What a row can hold, unique keys scoped per job type, and a schema newer than the code.</content>
public abstract partial class JobStoreConformanceTests
{
    /// <summary>
    /// Records <paramref name="version"/> in the store's migration history as if a newer release had applied it.
    /// The default fails the test: a store whose fixture cannot do this does not prove the newer-schema check.
    /// </summary>
    protected virtual ValueTask RecordMigrationAsync(int version)
    {
        Assert.Fail($"{GetType().Name} must override RecordMigrationAsync to prove that a newer schema stops startup.");
        return ValueTask.CompletedTask;
    }

    [Test]
    public async Task Finding13_SameUniqueKeyOnAnotherJobType_WritesItsOwnRow()
    {
        var email = await Store.InsertAsync(NewJob("send-email") with { UniqueKey = "customer-42" });

        var report = await Store.InsertAsync(NewJob("build-report") with { UniqueKey = "customer-42" });
        var emailAgain = await Store.InsertAsync(NewJob("send-email") with { UniqueKey = "customer-42" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Created, Is.True, "the key is taken by another job type only");
            Assert.That(report.Job.Id, Is.Not.EqualTo(email.Job.Id));
            Assert.That(report.Job.JobType, Is.EqualTo("build-report"));
            Assert.That(emailAgain.Created, Is.False);
            Assert.That(emailAgain.Job.Id, Is.EqualTo(email.Job.Id));
        }
    }

    [Test]
    public async Task Finding13_SameUniqueKeyOnAnotherJobTypeInOneBatch_WritesBoth()
    {
        await Store.InsertAsync(NewJob("build-report") with { UniqueKey = "held" });

        var results = await Store.InsertManyAsync(
        [
            NewJob("send-email") with { UniqueKey = "k" },
            NewJob("build-report") with { UniqueKey = "k" },
            NewJob("send-email") with { UniqueKey = "k" },
            NewJob("send-email") with { UniqueKey = "held" },
        ]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.Created), Is.EqualTo(new[] { true, true, false, true }));
            Assert.That(results[1].Job.JobType, Is.EqualTo("build-report"));
            Assert.That(results[2].Job.Id, Is.EqualTo(results[0].Job.Id));
            Assert.That(results[3].Job.JobType, Is.EqualTo("send-email"));
        }
    }

    [Test]
    public async Task Finding13_UniqueKeyOverLimit_RefusedNamingTheLimit()
    {
        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () => await Store.InsertAsync(NewJob() with { UniqueKey = new string('k', 10_000) }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.Field, Is.EqualTo("DispatchOptions.UniqueKey"));
            Assert.That(error.Message, Does.Contain("10,000").And.Contain("1,000 bytes"));
            Assert.That(await Store.ListAsync(new JobQuery { Limit = 10 }), Is.Empty);
        }
    }

    [Test]
    public async Task Finding13_NulInPayload_RefusedNamingTheField()
    {
        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () =>
            await Store.InsertManyAsync([NewJob(), NewJob() with { Payload = """{"to":{"name":"a\u0000b"}}""" }]));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.Field, Is.EqualTo("payload.to.name"));
            Assert.That(error.Message, Does.Contain("NUL"));
            Assert.That(await Store.ListAsync(new JobQuery { Limit = 10 }), Is.Empty, "nothing of the batch was written");
        }
    }

    [Test]
    public async Task InsertAsync_EscapedBackslashBeforeU0000_IsNotNul()
    {
        var job = await InsertAsync(NewJob() with { Payload = """{"path":"C:\\u0000"}""" });

        Assert.That(job.Payload, Does.Contain("u0000"));
    }

    [Test]
    public async Task Finding13_NulInUniqueKey_RefusedNamingTheField()
    {
        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () => await Store.InsertAsync(NewJob() with { UniqueKey = "a\0b" }));

        Assert.That(error!.Field, Is.EqualTo("DispatchOptions.UniqueKey"));
    }

    [Test]
    public async Task Finding13_SchemaNewerThanCode_MigrateStopsWithClearMessage()
    {
        await RecordMigrationAsync(999);

        var error = await Assert.ThrowsAsync<JobStoreException>(async () => await Store.MigrateAsync());

        Assert.That(error!.Message, Does.Contain("version 999").And.Contain("newer").And.Contain("Upgrade JobRunners"));
    }
}
