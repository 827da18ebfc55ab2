using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// Runs the records of an SQS event (a function subscribed to the queue the SQS runner sends to) and reports the
/// ones to keep as <c>batchItemFailures</c>; the event source mapping must enable <c>ReportBatchItemFailures</c>.
/// A record is kept when its job must run again later (its message is also delayed until then), when its task
/// failed, when it threw, and when it can never run (malformed, unknown task): Lambda's SQS integration has no
/// "move to the dead-letter queue" call, so failing the record until <c>maxReceiveCount</c> is the way it reaches
/// the redrive queue intact instead of being deleted unseen.
/// </summary>
internal static class SqsEventBatch
{
    // The queue workers' defaults for messages of job types this function does not register.
    private static readonly QueueWorkerOptions Unserved = new();

    public static async Task<IReadOnlyList<string>> RunAsync(LambdaFunctionContext context, JsonElement records, CancellationToken cancellationToken)
    {
        var batch = Read(records);
        if (batch.Count > 0 && batch.Any(r => r.IsFifo))
        {
            return await RunInOrderAsync(context, batch, cancellationToken).ConfigureAwait(false);
        }

        // One claim per chunk of at most SqsConcurrency records; the chunk's jobs then run side by side.
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in batch.Chunk(Math.Max(1, context.Options.SqsConcurrency)))
        {
            var kept = await RunTogetherAsync(context, chunk, cancellationToken).ConfigureAwait(false);
            failed.UnionWith(kept);
        }

        // Report in the event's order: easier to read in logs and tests.
        return batch.Select(r => r.MessageId).Where(failed.Contains).ToList();
    }

    /// <summary>
    /// FIFO: records of a message group must run in order, so after the first failure the rest are not run and
    /// are reported too (AWS's rule for FIFO batches); they come back in order.
    /// </summary>
    private static async Task<IReadOnlyList<string>> RunInOrderAsync(LambdaFunctionContext context, List<SqsRecord> batch, CancellationToken cancellationToken)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var kept = await RunTogetherAsync(context, [batch[i]], cancellationToken).ConfigureAwait(false);
            if (kept.Count > 0)
            {
                return batch.Skip(i).Select(r => r.MessageId).ToList();
            }
        }

        return [];
    }

    /// <summary>Runs records with one claim for their job rows; returns the ids of the records to keep.</summary>
    private static async Task<IReadOnlyList<string>> RunTogetherAsync(LambdaFunctionContext context, SqsRecord[] records, CancellationToken cancellationToken)
    {
        IReadOnlyList<Task<JobOutcome>> runs;
        try
        {
            runs = await context.Executor.ExecuteEnvelopesAsync(records.Select(r => r.Body).ToList(), default, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return records.Select(r => r.MessageId).ToList();
        }
#pragma warning disable CA1031 // Records that cannot be claimed (store outage) are reported as failed and come back.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AwsLambdaLog.SqsBatchFailed(context.Logger, ex, records.Length);
            return records.Select(r => r.MessageId).ToList();
        }

        var decisions = await Task.WhenAll(records.Select((record, i) => DecideAsync(context, record, runs[i], cancellationToken))).ConfigureAwait(false);
        await HideAsync(context, records, decisions, cancellationToken).ConfigureAwait(false);
        return records.Where((_, i) => decisions[i].Keep).Select(r => r.MessageId).ToList();
    }

    /// <summary>
    /// Hides every kept record whose job runs again later until it is due, in batch calls (per queue, at most ten
    /// messages each) for the whole chunk. The delays are taken now, once every record of the chunk is done, so
    /// none comes back early.
    /// </summary>
    private static async Task HideAsync(LambdaFunctionContext context, SqsRecord[] records, Decision[] decisions, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow();
        var delays = records
            .Select((record, i) => (Record: record, decisions[i].VisibleAt))
            .Where(d => d.VisibleAt is not null)
            .Select(d => (d.Record, d.VisibleAt > now ? d.VisibleAt.Value - now : TimeSpan.Zero))
            .ToList();
        if (delays.Count == 0)
        {
            return;
        }

        try
        {
            await context.Visibility.TryDelayAsync(delays, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Delaying is best effort: the records are kept anyway and come back after the visibility timeout.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AwsLambdaLog.SqsBatchNotDelayed(context.Logger, ex, delays.Count);
        }
    }

    /// <summary>
    /// What the outcome means for the record: whether it must be kept (reported as a batch item failure), and
    /// until when its message should stay hidden.
    /// </summary>
    private static async Task<Decision> DecideAsync(LambdaFunctionContext context, SqsRecord record, Task<JobOutcome> run, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await run.ConfigureAwait(false);
            switch (outcome.Kind)
            {
                case JobOutcomeKind.Succeeded or JobOutcomeKind.Failed or JobOutcomeKind.Cancelled or JobOutcomeKind.LeaseLost or JobOutcomeKind.Skipped:
                    return Decision.DeleteMessage;
                case JobOutcomeKind.NotServed:
                    // Not an attempt and the row is untouched: kept and hidden for a growing while, so a function
                    // version that has the handler takes it.
                    var hide = Unserved.UnservedDelayAfter(Deliveries(record));
                    AwsLambdaLog.SqsMessageNotServed(context.Logger, record.MessageId, outcome.Reason, hide);
                    return new Decision(true, context.Time.GetUtcNow() + hide);
                case JobOutcomeKind.Rejected:
                    AwsLambdaLog.SqsMessageRejected(context.Logger, record.MessageId, outcome.Reason, record.ReceiveCount);
                    return Decision.KeepMessage;
                default:
                    AwsLambdaLog.SqsMessageRunsLater(context.Logger, record.MessageId, outcome);
                    return new Decision(true, outcome.RetryAt);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Decision.KeepMessage;
        }
#pragma warning disable CA1031 // A record that throws (store outage) is reported as failed; the others still count.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AwsLambdaLog.SqsMessageFailed(context.Logger, ex, record.MessageId);
            return Decision.KeepMessage;
        }
    }

    private static long Deliveries(SqsRecord record) =>
        long.TryParse(record.ReceiveCount, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var count) ? count : 1;

    private static List<SqsRecord> Read(JsonElement records)
    {
        if (records.ValueKind != JsonValueKind.Array)
        {
            throw new LambdaEventException("The event's \"Records\" is not an array.");
        }

        var batch = new List<SqsRecord>(records.GetArrayLength());
        var index = 0;
        foreach (var record in records.EnumerateArray())
        {
            var source = Text(record, "eventSource");
            if (source != "aws:sqs")
            {
                throw new LambdaEventException($"Record {index} comes from '{source ?? "an unknown source"}'; this function handles SQS records (eventSource \"aws:sqs\"), JobRunners envelopes and scheduled events.");
            }

            // Without a message id no failure can be reported; failing the whole event makes Lambda retry the batch.
            var id = Text(record, "messageId") ?? throw new LambdaEventException($"SQS record {index} has no messageId.");
            var body = Text(record, "body") ?? "";
            var receiveCount = record.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object
                ? Text(attributes, "ApproximateReceiveCount")
                : null;
            batch.Add(new SqsRecord(id, body, Text(record, "receiptHandle"), Text(record, "eventSourceARN"), receiveCount));
            index++;
        }

        return batch;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Whether a record is kept (reported as failed), and until when its message should stay hidden.</summary>
    private readonly record struct Decision(bool Keep, DateTimeOffset? VisibleAt)
    {
        public static Decision DeleteMessage => new(false, null);

        public static Decision KeepMessage => new(true, null);
    }
}
