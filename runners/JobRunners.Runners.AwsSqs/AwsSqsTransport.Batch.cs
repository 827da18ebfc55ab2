using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace JobRunners.Runners.AwsSqs;

/// <content>Batch dispatch: SendMessageBatch calls of at most ten entries within the size budget, a result per item.</content>
internal sealed partial class AwsSqsTransport
{
    public async ValueTask<IReadOnlyList<Exception?>> SendJobsAsync(IReadOnlyList<JobRequest> jobs, bool redelivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var messages = jobs.Select(ForJob).ToList();
        var errors = new Exception?[jobs.Count];

        // Job envelopes are a few hundred bytes: the classic limit is budget enough without reading the queue's.
        await SendBatchesAsync(messages, Enumerable.Range(0, jobs.Count).ToList(), errors, SqsQueueAttributes.DefaultMaxMessageSize, cancellationToken).ConfigureAwait(false);
        return errors;
    }

    public async ValueTask<IReadOnlyList<Exception?>> SendTasksAsync(IReadOnlyList<PreparedTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var errors = new Exception?[tasks.Count];
        var messages = tasks.Select(ForTask).ToList();
        int limit;
        try
        {
            limit = await _queue.GetMaxMessageSizeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Array.Fill(errors, ex);
            return errors;
        }

        var toSend = new List<int>(tasks.Count);
        for (var i = 0; i < tasks.Count; i++)
        {
            if (messages[i].Size > limit)
            {
                errors[i] = TooLarge(tasks[i], messages[i], limit);
            }
            else
            {
                toSend.Add(i);
            }
        }

        await SendBatchesAsync(messages, toSend, errors, limit, cancellationToken).ConfigureAwait(false);
        return errors;
    }

    /// <summary>
    /// Sends <paramref name="messages"/> at <paramref name="positions"/> in batch calls, writing each item's failure
    /// into <paramref name="errors"/>. A call that fails outright (service unreachable, queue missing) fails its
    /// items and every later one with the same error rather than waiting on each: jobs stay in their rows for the
    /// outbox, and task callers see which items to send again.
    /// </summary>
    private async Task SendBatchesAsync(List<OutgoingMessage> messages, List<int> positions, Exception?[] errors, int maxMessageSize, CancellationToken cancellationToken)
    {
        var batches = SqsBatches.Plan(positions.Select(p => messages[p].Size).ToList(), SqsBatches.Budget(maxMessageSize));
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b].Select(k => positions[k]).ToList();
            var request = new SendMessageBatchRequest
            {
                QueueUrl = _queue.QueueUrl,
                Entries = batch.Select(p => messages[p].ToEntry(p.ToString(CultureInfo.InvariantCulture))).ToList(),
            };

            SendMessageBatchResponse response;
            try
            {
                response = await _queue.Client.SendMessageBatchAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                foreach (var p in batches.Skip(b).SelectMany(rest => rest).Select(k => positions[k]))
                {
                    errors[p] = ex;
                }

                return;
            }

            var accepted = (response.Successful ?? []).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            var failed = (response.Failed ?? []).ToDictionary(f => f.Id, StringComparer.Ordinal);
            foreach (var p in batch)
            {
                var id = p.ToString(CultureInfo.InvariantCulture);
                if (failed.TryGetValue(id, out var failure))
                {
                    errors[p] = new AmazonSQSException($"SQS rejected the message ({failure.Code}{(failure.SenderFault == true ? ", sender fault" : "")}): {failure.Message}") { ErrorCode = failure.Code };
                }
                else if (!accepted.Contains(id))
                {
                    errors[p] = new AmazonSQSException("SQS answered the batch without a result for this message; it may not have been queued.");
                }
            }
        }
    }
}
