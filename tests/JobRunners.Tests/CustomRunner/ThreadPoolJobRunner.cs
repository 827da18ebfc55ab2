namespace JobRunners.Tests.CustomRunner;

/// <summary>
/// The README's example of a runner of your own: jobs and tasks run on the .NET thread pool. Retries wait out
/// their backoff in memory; delayed jobs wait in their rows until the outbox hands them over.
/// </summary>
public sealed class ThreadPoolJobRunner(JobRunnerServices services) : JobRunnerBase(services)
{
    public override string Name => "thread-pool";

    /// <summary>Fails the next N sends, to show the outbox at work.</summary>
    public int FailNextSends { get; set; }

    protected override ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        if (FailNextSends > 0)
        {
            FailNextSends--;
            throw new HttpRequestException("backend unreachable");
        }

        _ = Task.Run(() => RunJobAsync(job.Id), CancellationToken.None);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await Services.Executor.ExecuteTaskAsync(task);
            }
            catch (Exception)
            {
                // A task is fire-and-forget: its handler logs what it needs to.
            }
        }, CancellationToken.None);
        return ValueTask.CompletedTask;
    }

    private async Task RunJobAsync(long id)
    {
        while (true)
        {
            var outcome = await Services.Executor.ExecuteJobAsync(id);
            if (outcome.RetryAt is not { } retryAt)
            {
                return;
            }

            var wait = retryAt - Services.TimeProvider.GetUtcNow();
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Services.TimeProvider);
        }
    }
}
