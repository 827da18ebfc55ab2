using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// Runs this runner's due rows on demand, for <c>jobrunners worker --once</c> and <c>--drain</c>: build and start
/// the host without the hosted worker, resolve this from its services, and call a method. Both serve the same job
/// types, task names and queues as the hosted worker (<see cref="PostgreSqlRunnerOptions.JobTypes"/>,
/// <see cref="PostgreSqlRunnerOptions.Queues"/>) and run each row through the shared executor.
/// </summary>
public sealed class PostgreSqlWorkerRunner
{
    private readonly IServiceProvider _services;

    internal PostgreSqlWorkerRunner(IServiceProvider services) => _services = services;

    private PostgreSqlWorkEngine Engine => _services.GetRequiredService<PostgreSqlWorkEngine>();

    /// <summary>
    /// Runs the one job or task that is due first (highest priority, then earliest <c>run_at</c>, then lowest id)
    /// and returns when it ended; returns at once with nothing run when nothing is due.
    /// </summary>
    /// <param name="cancellationToken">Interrupts the attempt: the row goes back to queued without counting it.</param>
    /// <returns>What ran: <see cref="PostgreSqlWorkResult.Total"/> is 1, or 0 when nothing was due.</returns>
    /// <exception cref="JobStoreException">The store cannot be reached.</exception>
    public async Task<PostgreSqlWorkResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var engine = Engine;
        var claimed = await engine.ClaimAsync(1, cancellationToken).ConfigureAwait(false);
        var result = new PostgreSqlWorkResult();
        foreach (var row in claimed)
        {
            result = result.Add(row, await engine.RunAsync(row, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    /// <summary>
    /// Runs due jobs and tasks, up to <see cref="PostgreSqlRunnerOptions.Concurrency"/> at once, until nothing is
    /// due and nothing is running; work that running jobs dispatch, and queues that locking jobs free, are picked up
    /// before it returns. Retries scheduled for later are not waited for.
    /// </summary>
    /// <param name="cancellationToken">Stops fetching and interrupts running attempts (they go back to queued); the result counts what ran.</param>
    /// <returns>What ran.</returns>
    /// <exception cref="JobStoreException">The store cannot be reached (after running work has ended).</exception>
    public async Task<PostgreSqlWorkResult> DrainAsync(CancellationToken cancellationToken = default)
    {
        var engine = Engine;
        var result = new PostgreSqlWorkResult();
        var running = new List<(JobRequest Row, Task<JobOutcome?> Run)>();
        try
        {
            while (true)
            {
                result = Collect(running, result);
                var free = engine.Options.Concurrency - running.Count;
                var exhausted = true;
                if (free > 0 && !cancellationToken.IsCancellationRequested)
                {
                    var asked = Math.Min(free, engine.BatchSize);
                    var claimed = await engine.ClaimAsync(asked, cancellationToken).ConfigureAwait(false);
                    running.AddRange(claimed.Select(row => (row, engine.RunAsync(row, cancellationToken))));
                    exhausted = claimed.Count < asked;
                    if (!exhausted && running.Count < engine.Options.Concurrency)
                    {
                        continue;
                    }
                }

                if (running.Count == 0)
                {
                    if (exhausted || cancellationToken.IsCancellationRequested)
                    {
                        return result;
                    }

                    continue;
                }

                // Something ended: it may have freed a slot, a locked queue, or dispatched more work. Outcomes are
                // written in batches, so the rest of a batch usually ends a moment later: wait for it briefly, so the
                // next claim takes many rows.
                await Task.WhenAny(running.Select(r => r.Run)).ConfigureAwait(false);
                await Task.WhenAny(Task.WhenAll(running.Select(r => r.Run)), Task.Delay(PostgreSqlWorkEngine.GatherWindow, CancellationToken.None)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Task.WhenAll(running.Select(r => r.Run)).ConfigureAwait(false);
            return Collect(running, result);
        }
        catch (Exception) when (running.Count > 0)
        {
            await Task.WhenAll(running.Select(r => r.Run)).ConfigureAwait(false);
            throw;
        }
    }

    private static PostgreSqlWorkResult Collect(List<(JobRequest Row, Task<JobOutcome?> Run)> running, PostgreSqlWorkResult result)
    {
        for (var i = running.Count - 1; i >= 0; i--)
        {
            if (running[i].Run.IsCompleted)
            {
                result = result.Add(running[i].Row, running[i].Run.Result);
                running.RemoveAt(i);
            }
        }

        return result;
    }
}
