using Dapper;
using JobRunners.Conformance;
using Npgsql;

namespace JobRunners.PostgreSql.Tests;

/// <content>Driver errors surface as <see cref="JobStoreException"/>s that say whether a write may have happened.</content>
public sealed partial class PostgreSqlJobStoreTests
{
    [Test]
    public async Task Finding05_StoreFailsMidInsert_JobStoreExceptionSaysRowMayExist()
    {
        var store = NewStore();
        await store.MigrateAsync();

        var error = await TerminatedMidWriteAsync(() => store.InsertAsync(NewRow()).AsTask());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.RowMayExist, Is.True);
            Assert.That(error.Message, Does.Contain("may or may not have been written").And.Contain("UniqueKey"));
            Assert.That(error.InnerException, Is.InstanceOf<NpgsqlException>());
        }
    }

    [Test]
    public async Task Finding05_StoreFailsMidBatchInsert_JobStoreExceptionSaysRowMayExist()
    {
        var store = NewStore();
        await store.MigrateAsync();

        var error = await TerminatedMidWriteAsync(() => store.InsertManyAsync([NewRow(), NewRow() with { UniqueKey = "k" }]).AsTask());

        Assert.That(error.RowMayExist, Is.True);
    }

    [Test]
    public async Task InsertAsync_ServerUnreachable_JobStoreExceptionNothingWritten()
    {
        var store = Track(new PostgreSqlJobStore(new PostgreSqlStoreOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Timeout=2", Schema = _schema }, _time));

        var error = await Assert.ThrowsAsync<JobStoreException>(async () => await store.InsertAsync(NewRow()));

        Assert.That(error!.RowMayExist, Is.False);
    }

    [Test]
    public void Finding12_PortNotANumber_RefusedNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => NewStore(new PostgreSqlStoreOptions { ConnectionString = "Host=localhost;Port=notaport;Password=hunter2", Schema = _schema }));

        Assert.That(error!.Message, Does.Contain("ConnectionStrings:JobRunners").And.Contain("port").And.Not.Contain("hunter2"));
    }

    private PostgreSqlJobStore NewStore(PostgreSqlStoreOptions options) => Track(new PostgreSqlJobStore(options, _time));

    private static NewJobRequest NewRow() => new() { JobType = "send-email", QueueName = "send-email", Payload = "{}" };

    /// <summary>Runs <paramref name="write"/> while every INSERT into the table ends its own server session.</summary>
    private async Task<JobStoreException> TerminatedMidWriteAsync(Func<Task> write)
    {
        var dataSource = await TestServer.GetDataSourceAsync();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(PostgreSqlFaults.TerminateInsertsInto(_schema));
        }

        var error = await Assert.ThrowsAsync<JobStoreException>(async () => await write());
        return error!;
    }
}
