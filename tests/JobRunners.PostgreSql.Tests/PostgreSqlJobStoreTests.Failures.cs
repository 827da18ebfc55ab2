using Dapper;
using JobRunners.Storage;
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

    /// <summary>
    /// Starts <paramref name="write"/> while another connection holds the table locked, waits until the write's
    /// statement is blocked on the server (so it was sent), then terminates its backend.
    /// </summary>
    private async Task<JobStoreException> TerminatedMidWriteAsync(Func<Task> write)
    {
        var dataSource = await TestServer.GetDataSourceAsync();
        await using var locker = await dataSource.OpenConnectionAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await locker.ExecuteAsync($"LOCK TABLE \"{_schema}\".job_request IN ACCESS EXCLUSIVE MODE", transaction: transaction);
        var writing = write();
        var pid = 0;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (pid == 0)
            {
                pid = await locker.QuerySingleOrDefaultAsync<int>(new CommandDefinition(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE @Pattern AND pid <> pg_backend_pid() LIMIT 1",
                    new { Pattern = $"%INSERT INTO \"{_schema}\".job_request%" },
                    transaction,
                    cancellationToken: timeout.Token));
                if (pid == 0)
                {
                    // pg_stat_activity is read once per transaction unless the snapshot is cleared.
                    await locker.ExecuteAsync(new CommandDefinition("SELECT pg_stat_clear_snapshot()", transaction: transaction, cancellationToken: timeout.Token));
                    await Task.Delay(20, timeout.Token);
                }
            }
        }

        await locker.ExecuteAsync("SELECT pg_terminate_backend(@Pid)", new { Pid = pid }, transaction);
        var error = await Assert.ThrowsAsync<JobStoreException>(async () => await writing);
        return error!;
    }
}
