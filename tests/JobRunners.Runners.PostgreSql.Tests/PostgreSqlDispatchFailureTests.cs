using Dapper;
using JobRunners.Conformance;
using Npgsql;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>The postgres runner's dispatch, whose write is the hand-over, says when a lost connection may have left the row written.</summary>
[TestFixture]
public sealed class PostgreSqlDispatchFailureTests : PostgreSqlTestBase
{
    [Test]
    public async Task Finding05_BackendTerminatedMidDispatch_JobsBatchesAndTaskRowsSayRowMayExist()
    {
        await using var host = await StartHostAsync(DispatchOnly());
        var dataSource = await TestDatabase.GetDataSourceAsync();
        await using var locker = await dataSource.OpenConnectionAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await locker.ExecuteAsync($"LOCK TABLE \"{Schema}\".job_request IN ACCESS EXCLUSIVE MODE", transaction: transaction);

        var job = host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey())).AsTask();
        await TerminateBlockedInsertAsync(locker, transaction);
        var jobError = await Assert.ThrowsAsync<JobStoreException>(async () => await job);

        var jobs = host.Runner.DispatchJobsAsync([new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(NewKey())), new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(NewKey()))]).AsTask();
        await TerminateBlockedInsertAsync(locker, transaction);
        var batch = await jobs;

        var task = host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(NewKey())).AsTask();
        await TerminateBlockedInsertAsync(locker, transaction);
        var taskError = await Assert.ThrowsAsync<JobStoreException>(async () => await task);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(jobError!.RowMayExist, Is.True);
            Assert.That(jobError.Message, Does.Contain("may or may not have been written"));
            Assert.That(batch.Select(r => r.Error), Is.All.InstanceOf<JobStoreException>().With.Property("RowMayExist").True);
            Assert.That(taskError!.RowMayExist, Is.True);
        }
    }

    /// <summary>Waits until a dispatch's INSERT is blocked on the locked table (so it was sent), then terminates its backend.</summary>
    private async Task TerminateBlockedInsertAsync(NpgsqlConnection locker, NpgsqlTransaction transaction)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var pid = 0;
        while (pid == 0)
        {
            pid = await locker.QuerySingleOrDefaultAsync<int>(new CommandDefinition(
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE @Pattern AND pid <> pg_backend_pid() LIMIT 1",
                new { Pattern = $"%INSERT INTO \"{Schema}\".job_request%" },
                transaction,
                cancellationToken: timeout.Token));
            if (pid == 0)
            {
                // pg_stat_activity is read once per transaction unless the snapshot is cleared.
                await locker.ExecuteAsync(new CommandDefinition("SELECT pg_stat_clear_snapshot()", transaction: transaction, cancellationToken: timeout.Token));
                await Task.Delay(20, timeout.Token);
            }
        }

        await locker.ExecuteAsync("SELECT pg_terminate_backend(@Pid)", new { Pid = pid }, transaction);
    }
}
