using JobRunners.Conformance;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>The postgres runner's dispatch, whose write is the hand-over, says when a lost connection may have left the row written.</summary>
[TestFixture]
public sealed class PostgreSqlDispatchFailureTests : PostgreSqlTestBase
{
    [Test]
    public async Task Finding05_BackendTerminatedMidDispatch_JobsBatchesAndTaskRowsSayRowMayExist()
    {
        await using var host = await StartHostAsync(DispatchOnly());
        await TestDatabase.ExecuteAsync(PostgreSqlFaults.TerminateInsertsInto(Schema));

        var jobError = await Assert.ThrowsAsync<JobStoreException>(async () => await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey())));
        var batch = await host.Runner.DispatchJobsAsync([new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(NewKey())), new JobDispatch(ProbeHandlers.OkJob, new ProbePayload(NewKey()))]);
        var taskError = await Assert.ThrowsAsync<JobStoreException>(async () => await host.Runner.DispatchTaskAsync(ProbeHandlers.CountTask, new ProbePayload(NewKey())));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(jobError!.RowMayExist, Is.True);
            Assert.That(jobError.Message, Does.Contain("may or may not have been written"));
            Assert.That(batch.Select(r => r.Error), Is.All.InstanceOf<JobStoreException>().With.Property("RowMayExist").True);
            Assert.That(taskError!.RowMayExist, Is.True);
        }
    }
}
