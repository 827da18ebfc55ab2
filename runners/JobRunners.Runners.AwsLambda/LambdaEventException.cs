namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// A direct invocation could not be handled: the event is not something the function understands, or a task
/// failed. Thrown out of the handler on purpose, so Lambda records a function error, retries the event (up to the
/// function's MaximumRetryAttempts) and then keeps it in the on-failure destination or dead-letter queue.
/// </summary>
internal sealed class LambdaEventException : JobRunnerException
{
    public LambdaEventException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
