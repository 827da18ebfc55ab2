
namespace JobRunners.Runners.PostgreSql;

/// <content>
/// Writing is dispatching: rows (jobs, or tasks as task rows) and the NOTIFY that wakes workers go out in one
/// statement, one round trip for one job or a whole batch.
/// </content>
internal sealed partial class PostgreSqlTransport
{
    public ValueTask<IReadOnlyList<InsertResult>> WriteJobsAsync(IReadOnlyList<NewJobRequest> jobs, CancellationToken cancellationToken) =>
        WriteAndAnnounceAsync(jobs, cancellationToken);

    public async ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) =>
        await WriteTasksAsync([task], cancellationToken).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<Exception?>> SendTasksAsync(IReadOnlyList<PreparedTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var errors = new Exception?[tasks.Count];
        try
        {
            await WriteTasksAsync(tasks, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One statement wrote all or nothing.
            Array.Fill(errors, ex);
        }

        return errors;
    }

    private async ValueTask WriteTasksAsync(IReadOnlyList<PreparedTask> tasks, CancellationToken cancellationToken)
    {
        var maxAttempts = _shared.Retry.MaxAttempts;
        var rows = tasks.Select(task => new NewJobRequest
        {
            JobType = TaskRows.JobType(task.Name),
            QueueName = TaskRows.JobType(task.Name),
            Payload = JobEnvelope.ForTask(task).Serialize(),
            MaxAttempts = maxAttempts,
            Runner = RunnerName,
            Dispatched = true,
            TraceParent = task.TraceParent,
            TraceState = task.TraceParent is null ? null : task.TraceState,
        }).ToList();
        await WriteAndAnnounceAsync(rows, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes rows and their wake-ups in one statement; with LISTEN off, wakes this process's worker directly.</summary>
    private async ValueTask<IReadOnlyList<InsertResult>> WriteAndAnnounceAsync(IReadOnlyList<NewJobRequest> rows, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var messages = WakeMessage.For(rows, now);
        var written = await Store.InsertAndNotifyAsync(rows, Channel, _options.Listen ? messages : [], cancellationToken).ConfigureAwait(false);
        if (!_options.Listen)
        {
            _local.Publish(messages);
        }

        return written;
    }
}
