using System.Globalization;
using System.Text.Json;

namespace JobRunners.Runners.AwsSqs;

/// <summary>The queue attributes the runner acts on, read once per process.</summary>
/// <param name="MaxMessageSize">The largest message the queue accepts, in bytes (<c>MaximumMessageSize</c>).</param>
/// <param name="MaxReceiveCount">With a <c>RedrivePolicy</c>: receives after which SQS moves a message to the dead-letter queue.</param>
/// <param name="DeadLetterTargetArn">With a <c>RedrivePolicy</c>: the dead-letter queue's ARN.</param>
internal sealed record SqsQueueAttributes(int MaxMessageSize, int? MaxReceiveCount, string? DeadLetterTargetArn)
{
    /// <summary>SQS's classic message size limit, assumed when the queue's own cannot be read.</summary>
    public const int DefaultMaxMessageSize = 256 * 1024;

    /// <summary>The names to ask GetQueueAttributes for.</summary>
    public static readonly List<string> Names = ["MaximumMessageSize", "RedrivePolicy"];

    /// <summary>What is assumed when the attributes cannot be read (no permission): the classic limit, no redrive policy.</summary>
    public static SqsQueueAttributes Default { get; } = new(DefaultMaxMessageSize, null, null);

    /// <summary>True when SQS moves messages to a dead-letter queue by itself.</summary>
    public bool HasRedrivePolicy => MaxReceiveCount is not null;

    /// <summary>Reads the GetQueueAttributes answer; anything unreadable keeps its default.</summary>
    public static SqsQueueAttributes Parse(IReadOnlyDictionary<string, string>? attributes)
    {
        if (attributes is null)
        {
            return Default;
        }

        var size = attributes.TryGetValue("MaximumMessageSize", out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : DefaultMaxMessageSize;
        if (!attributes.TryGetValue("RedrivePolicy", out var policy) || string.IsNullOrWhiteSpace(policy))
        {
            return new SqsQueueAttributes(size, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(policy);
            var root = document.RootElement;
            var arn = root.TryGetProperty("deadLetterTargetArn", out var a) ? a.GetString() : null;

            // SQS writes maxReceiveCount as a string; accept a number too.
            int? count = root.TryGetProperty("maxReceiveCount", out var c)
                ? c.ValueKind == JsonValueKind.Number ? c.GetInt32() : int.Parse(c.GetString() ?? "", NumberStyles.Integer, CultureInfo.InvariantCulture)
                : null;
            return new SqsQueueAttributes(size, count, arn);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            return new SqsQueueAttributes(size, null, null);
        }
    }
}
