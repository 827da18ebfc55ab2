using Dapper;
using JobRunners.Conformance;
using JobRunners.Tests.CustomRunner;
using JobRunners.Tests.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NUnit.Framework;

namespace JobRunners.Tests.Hosting;

/// <summary>Dispatch refuses what a row cannot hold, and a store failing mid-write says the row may exist.</summary>
[TestFixture]
public sealed class DispatchInputTests : RunnerTestBase
{
    private string? _schema;

    protected override string RunnerName => "thread-pool";

    protected override void AddRunner(JobRunnersBuilder jobs) =>
        jobs.AddRunner<ThreadPoolTransport>("thread-pool");

    protected override void UseStore(JobRunnersBuilder jobs) => jobs.UseConfiguredStore();

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        if (_schema is not null)
        {
            settings["ConnectionStrings:JobRunners"] = PostgresServer.ConnectionString;
            settings["JobRunners:PostgreSql:Schema"] = _schema;
        }
    }

    [TearDown]
    public async Task DropSchema()
    {
        if (_schema is { } schema)
        {
            _schema = null;
            await PostgresServer.DropSchemaAsync(schema);
        }
    }

    [TestCase(-1, TestName = "Finding13_DelayNegative_RefusedNamingTheField")]
    [TestCase(long.MaxValue, TestName = "Finding13_DelayMaxValue_RefusedNamingTheField")]
    public async Task Finding13_DelayOutOfRange_RefusedNamingTheField(long ticks)
    {
        await using var host = await StartHostAsync();

        var error = await Assert.ThrowsAsync<InvalidDispatchException>(async () =>
            await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { Delay = TimeSpan.FromTicks(ticks) }));

        Assert.That(error!.Field, Is.EqualTo("DispatchOptions.Delay"));
        Assert.That(await host.Store.ListAsync(new JobQuery { Limit = 5 }), Is.Empty);
    }

    [Test]
    public async Task Finding13_BatchWithNulPayloadAndLongKey_OnlyThoseItemsFail()
    {
        await using var host = await StartHostAsync();

        var results = await host.Runner.DispatchJobsAsync(
        [
            new JobDispatch(ProbeHandlers.OkJob, new ProbePayload("a\0b")),
            new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(NewKey()), new DispatchOptions { UniqueKey = new string('k', 10_000) }),
            new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(NewKey())),
        ]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results[0].Error, Is.InstanceOf<InvalidDispatchException>().With.Property("Field").EqualTo("payload.key").IgnoreCase);
            Assert.That(results[1].Error, Is.InstanceOf<InvalidDispatchException>().With.Property("Field").EqualTo("DispatchOptions.UniqueKey"));
            Assert.That(results[1].Error!.Message, Does.Contain("1,000 bytes"));
            Assert.That(results[2].Error, Is.Null);
        }
    }

    [Test]
    public async Task Finding05_PostgresBackendTerminatedMidDispatch_JobStoreExceptionSaysRowMayExist()
    {
        await PostgresServer.EnsureReachableAsync();
        _schema = PostgresServer.NewSchemaName();
        await using var host = await StartHostAsync();
        await using (var dataSource = NpgsqlDataSource.Create(PostgresServer.ConnectionString))
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(PostgreSqlFaults.TerminateInsertsInto(_schema));
        }

        var error = await Assert.ThrowsAsync<JobStoreException>(async () => await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey())));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.RowMayExist, Is.True);
            Assert.That(error.Message, Does.Contain("may or may not have been written"));
        }
    }
}
