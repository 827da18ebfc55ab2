namespace JobRunners.Tests.CustomRunner;

/// <summary>
/// A runner of your own written as a transport only: jobs and tasks run on the .NET thread pool. Everything else
/// (rows first, dispatch marks, the outbox, re-sending lost messages, rescue) comes from the core.
/// </summary>
public sealed class ThreadPoolTransport(JobExecutor executor, TimeProvider time) : IJobTransport
{
    public ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        _ = Task.Run(() => RunJobAsync(job.Id), CancellationToken.None);
        return ValueTask.CompletedTask;
    }

    public ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await executor.ExecuteTaskAsync(task);
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
            var outcome = await executor.ExecuteJobAsync(id);
            if (outcome.RetryAt is not { } retryAt)
            {
                return;
            }

            for (var wait = retryAt - time.GetUtcNow(); wait > TimeSpan.Zero; wait = retryAt - time.GetUtcNow())
            {
                await Task.Delay(wait, time);
            }
        }
    }
}

/// <summary>A transport that refuses its first sends, as a backend that is down would.</summary>
public sealed class FlakyThreadPoolTransport(JobExecutor executor, TimeProvider time) : IJobTransport
{
    private readonly ThreadPoolTransport _inner = new(executor, time);
    private int _refusals = 2;

    public ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken) =>
        Interlocked.Decrement(ref _refusals) >= 0 ? throw new HttpRequestException("backend unreachable") : _inner.SendJobAsync(job, cancellationToken);

    public ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) => _inner.SendTaskAsync(task, cancellationToken);
}
