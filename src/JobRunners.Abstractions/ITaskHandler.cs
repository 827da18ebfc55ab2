namespace JobRunners;

/// <summary>Runs a fire-and-forget task. Resolved from dependency injection in a fresh scope for each run.</summary>
/// <typeparam name="TPayload">The payload record.</typeparam>
public interface ITaskHandler<in TPayload>
{
    /// <summary>Runs the task.</summary>
    /// <param name="payload">The validated payload.</param>
    /// <param name="context">Logger and further dispatch.</param>
    /// <param name="cancellationToken">Signalled when the worker is stopping.</param>
    ValueTask HandleAsync(TPayload payload, ITaskContext context, CancellationToken cancellationToken);
}
