using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// Runs the envelope of a direct invocation (what <see cref="AwsLambdaTransport"/> sends). Lambda retries a
/// failed asynchronous invocation only twice and cannot delay it, so a job never relies on that: its attempts run
/// with <see cref="JobExecutionOptions.ReturnRetriesToOutbox"/>, which hands a retried or released row back to the
/// outbox, and the outbox invokes the function again once the row is due. A job that cannot start yet (not due,
/// or its queue is locked by a running job) is waited for in place for up to
/// <see cref="AwsLambdaOptions.MaxInlineWait"/>, then handed to a fresh invocation. Tasks have no row: a failing
/// task throws, so Lambda's own retries and on-failure destination apply.
/// </summary>
internal static class DirectInvocation
{
    /// <summary>What happens next to the job, as reported in the function's answer.</summary>
    public const string NextNone = "none";
    public const string NextOutbox = "outbox";
    public const string NextReinvoked = "reinvoked";
    public const string NextStale = "stale";

    public static async Task<DirectResult> RunAsync(LambdaFunctionContext context, string text, CancellationToken cancellationToken)
    {
        JobEnvelope envelope;
        try
        {
            envelope = JobEnvelope.Parse(text);
        }
        catch (MalformedEnvelopeException ex)
        {
            throw new LambdaEventException($"The event is not a JobRunners envelope, an SQS event or a scheduled event: {ex.Reason}. Lambda retries it and then keeps it in the function's on-failure destination or dead-letter queue, if one is configured.", ex);
        }

        return envelope.Kind == EnvelopeKind.Task
            ? await RunTaskAsync(context, envelope, text, cancellationToken).ConfigureAwait(false)
            : await RunJobAsync(context, envelope, text, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<DirectResult> RunTaskAsync(LambdaFunctionContext context, JobEnvelope envelope, string text, CancellationToken cancellationToken)
    {
        var outcome = await context.Executor.ExecuteEnvelopeAsync(text, default, cancellationToken).ConfigureAwait(false);
        return outcome.Kind switch
        {
            JobOutcomeKind.Succeeded => new DirectResult("task", envelope.Name, null, "Succeeded", NextNone, null, null),
            JobOutcomeKind.Rejected => throw new LambdaEventException($"Task '{envelope.Name}' cannot run: {outcome.Reason} Lambda retries the event and then keeps it in the function's on-failure destination or dead-letter queue, if one is configured."),
            _ => throw new LambdaEventException($"Task '{envelope.Name}' failed: {outcome.Reason}. Lambda runs it again (up to the function's MaximumRetryAttempts), then keeps the event in its on-failure destination or dead-letter queue, if one is configured."),
        };
    }

    private static async Task<DirectResult> RunJobAsync(LambdaFunctionContext context, JobEnvelope envelope, string text, CancellationToken cancellationToken)
    {
        var options = new JobExecutionOptions(ReturnRetriesToOutbox: true);
        var waitUntil = context.Time.GetUtcNow() + context.Options.MaxInlineWait;
        while (true)
        {
            var outcome = await context.Executor.ExecuteJobAsync(envelope.JobId!.Value, options, cancellationToken).ConfigureAwait(false);
            switch (outcome.Kind)
            {
                case JobOutcomeKind.NotDue when outcome.RetryAt <= waitUntil:
                    await WaitUntilAsync(context, outcome.RetryAt!.Value, cancellationToken).ConfigureAwait(false);
                    continue;

                case JobOutcomeKind.NotDue:
                    var row = await context.Store.GetAsync(envelope.JobId!.Value, cancellationToken).ConfigureAwait(false);
                    if (row is null || row.RunAt > context.Time.GetUtcNow())
                    {
                        // Every send is of a due row, and a retried row goes back to the outbox, so a row due much
                        // later means this delivery is a stale duplicate: the outbox sends the row once it is due.
                        AwsLambdaLog.StaleDeliveryDropped(context.Logger, envelope.JobId, envelope.Name, row?.RunAt);
                        return Result(envelope, outcome, NextStale, row);
                    }

                    // Its queue is held by a locking job. Still wait out the retry interval, so a zero MaxInlineWait
                    // cannot spin invocations, then hand it to a fresh invocation.
                    await WaitUntilAsync(context, outcome.RetryAt!.Value, cancellationToken).ConfigureAwait(false);
                    await HandOverAsync(context, row, cancellationToken).ConfigureAwait(false);
                    return Result(envelope, outcome, NextReinvoked, row);

                case JobOutcomeKind.Retry or JobOutcomeKind.Released:
                    AwsLambdaLog.JobReturnedToOutbox(context.Logger, envelope.JobId, envelope.Name, outcome.RetryAt);
                    return Result(envelope, outcome, NextOutbox);

                case JobOutcomeKind.NotServed:
                    // The row is untouched (not an attempt). Failing the invocation makes Lambda retry it with its
                    // own growing delay; after that the redelivery sweep sends the row again while it stays unclaimed.
                    throw new LambdaEventException($"Job {envelope.JobId} ({envelope.Name}) is left queued for a function that has its handler: {outcome.Reason} Lambda retries this event; deploy the handler to every function version.");

                case JobOutcomeKind.Rejected:
                    throw new LambdaEventException($"Job message {envelope.JobId} ({envelope.Name}) could not be handled: {outcome.Reason}");

                default:
                    return Result(envelope, outcome, NextNone);
            }
        }
    }

    /// <summary>
    /// A locking job of the queue is still running: hand the job to a fresh invocation instead of waiting here into
    /// the function's timeout. Nothing else would send it again (its row stays dispatched), so a failure throws and
    /// Lambda's retry of this event takes over.
    /// </summary>
    private static async Task HandOverAsync(LambdaFunctionContext context, JobRequest job, CancellationToken cancellationToken)
    {
        if (context.Transport is not { } transport)
        {
            throw new LambdaEventException($"Job {job.Id} ({job.JobType}) waits for its locked queue, and this function cannot invoke itself again because its runner is '{context.Runner.Name}', not aws-lambda. Lambda retries this event; set JOB_RUNNER=aws-lambda in the function.");
        }

        try
        {
            await transport.SendJobAsync(job, cancellationToken).ConfigureAwait(false);
            await context.Store.MarkDispatchedAsync([new JobDispatchMark(job.Id, job.Attempts)], AwsLambdaTransport.RunnerName, cancellationToken).ConfigureAwait(false);
            AwsLambdaLog.JobHandedOver(context.Logger, job.Id, job.JobType, job.QueueName);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new LambdaEventException($"Job {job.Id} ({job.JobType}) waits for its locked queue and could not be handed to a fresh invocation: {ex.Message} Lambda retries this event.", ex);
        }
    }

    private static async Task WaitUntilAsync(LambdaFunctionContext context, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var wait = until - context.Time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, context.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static DirectResult Result(JobEnvelope envelope, JobOutcome outcome, string next, JobRequest? row = null) =>
        new("job", envelope.Name, envelope.JobId, outcome.Kind.ToString(), next, outcome.RetryAt, row?.QueueName);
}
