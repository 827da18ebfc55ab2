namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>
/// One system in scenario 1: started fresh for every run with W workers, fed N no-op jobs one by one or through
/// its batch API, and done when every job's completion is written.
/// </summary>
internal interface IEndToEndSystem : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Null when the system has no batch enqueue API (the batch figure is then absent).</summary>
    string? BatchApi { get; }

    /// <summary>Empties the system's tables and starts it with <paramref name="workers"/> workers.</summary>
    Task StartAsync(int workers, CompletionCounter counter);

    /// <summary>Enqueues <paramref name="count"/> no-op jobs from one producer.</summary>
    Task EnqueueAsync(int count, bool batch, int batchSize);

    /// <summary>Returns once the store shows <paramref name="count"/> finished jobs (handlers have all run by then).</summary>
    Task WaitUntilStoredAsync(int count, CancellationToken cancellationToken);

    /// <summary>Stops the workers and releases every connection.</summary>
    Task StopAsync();
}
