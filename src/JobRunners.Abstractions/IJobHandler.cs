namespace JobRunners;

/// <summary>
/// Runs a tracked job. Resolved from dependency injection in a fresh scope for each attempt.
/// Throw to fail the attempt: the retry policy decides whether it runs again.
/// </summary>
/// <typeparam name="TPayload">The payload record.</typeparam>
public interface IJobHandler<in TPayload>
{
    /// <summary>Runs one attempt of the job.</summary>
    /// <param name="payload">The validated payload.</param>
    /// <param name="context">Progress, result message, attempt number, logger and further dispatch.</param>
    /// <param name="cancellationToken">Signalled when the job is cancelled or the worker is stopping.</param>
    ValueTask HandleAsync(TPayload payload, IJobContext context, CancellationToken cancellationToken);
}
