namespace JobRunners.Worker.Jobs;

/// <summary>
/// The example job's handler, resolved from dependency injection in a fresh scope for each attempt: take the
/// services you need in the constructor. An exception retries the job; returning marks it succeeded.
/// </summary>
public sealed class WelcomeEmailHandler : IJobHandler<WelcomeEmail>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(WelcomeEmail payload, IJobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(context);

        // The real work (sending the email) goes here.
        context.SetResult($"welcomed {payload.Name} at {payload.Address}");
        return ValueTask.CompletedTask;
    }
}
