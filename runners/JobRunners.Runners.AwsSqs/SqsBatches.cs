namespace JobRunners.Runners.AwsSqs;

/// <summary>Splits messages into SendMessageBatch calls SQS accepts: at most 10 entries and a total size budget each.</summary>
internal static class SqsBatches
{
    /// <summary>SQS takes at most ten entries per batch call.</summary>
    public const int MaxEntries = 10;

    /// <summary>
    /// The total payload one batch call may carry: SQS's classic 256 KiB, or the queue's own larger limit where
    /// SQS allows it (since 2025 batches may total 1 MiB, as single messages may).
    /// </summary>
    public static int Budget(int maxMessageSize) => Math.Max(SqsQueueAttributes.DefaultMaxMessageSize, maxMessageSize);

    /// <summary>Groups positions of <paramref name="sizes"/>, in order, into batches within <paramref name="budget"/> bytes and <see cref="MaxEntries"/> entries.</summary>
    public static List<List<int>> Plan(IReadOnlyList<int> sizes, int budget)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var batches = new List<List<int>>();
        var current = new List<int>(MaxEntries);
        var total = 0;
        for (var i = 0; i < sizes.Count; i++)
        {
            if (current.Count > 0 && (current.Count == MaxEntries || total + sizes[i] > budget))
            {
                batches.Add(current);
                current = new List<int>(MaxEntries);
                total = 0;
            }

            current.Add(i);
            total += sizes[i];
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }
}
