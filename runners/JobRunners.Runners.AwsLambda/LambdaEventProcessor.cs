using System.Text;
using System.Text.Json;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// The worker function's logic, usable from any host: <see cref="JobRunnersLambdaFunction"/> calls it for each
/// invocation, and <c>jobrunners lambda invoke-local</c> calls it with an event read from standard input. It reads
/// one event and writes the function's JSON answer:
/// <list type="bullet">
/// <item>a JobRunners envelope (a direct invocation by the <c>aws-lambda</c> runner): runs the job or task and
/// answers <c>{"kind":"job","jobId":42,"status":"Succeeded","next":"none"}</c>;</item>
/// <item>an SQS event (<c>{"Records":[{"eventSource":"aws:sqs",...}]}</c>): runs every record and answers
/// <c>{"batchItemFailures":[{"itemIdentifier":"&lt;messageId&gt;"}]}</c> for the records to keep;</item>
/// <item>a scheduled event (EventBridge <c>"source":"aws.events"</c> or <c>"aws.scheduler"</c>, or
/// <c>{"jobrunners":"maintenance"}</c>): runs one maintenance round (lease rescue, outbox, redelivery of lost invocations).</item>
/// </list>
/// </summary>
public static class LambdaEventProcessor
{
    /// <summary>
    /// Handles one Lambda event from <paramref name="input"/> and writes the answer to <paramref name="output"/>.
    /// </summary>
    /// <param name="services">A provider built with <c>AddJobRunners</c> (the same registry and store as the dispatchers).</param>
    /// <param name="input">The event JSON.</param>
    /// <param name="output">Receives the answer JSON.</param>
    /// <param name="cancellationToken">Interrupts running jobs (they are released and run again later).</param>
    /// <exception cref="JobRunnerException">
    /// The event is not one the function understands, or a directly invoked task failed or cannot run. Thrown on
    /// purpose: Lambda then counts a function error, retries the event and finally keeps it in the function's
    /// on-failure destination or dead-letter queue. A job's own failure never throws: it is recorded in its row and
    /// its retry policy applies.
    /// </exception>
    public static async Task ProcessAsync(IServiceProvider services, Stream input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var text = await ReadAsync(input, cancellationToken).ConfigureAwait(false);
        var context = LambdaFunctionContext.For(services);
        using var document = Parse(text);
        var root = document.RootElement;

        var writer = new Utf8JsonWriter(output);
        await using var writerScope = writer.ConfigureAwait(false);
        if (root.TryGetProperty("Records", out var records))
        {
            var failures = await SqsEventBatch.RunAsync(context, records, cancellationToken).ConfigureAwait(false);
            writer.WriteStartObject();
            writer.WriteStartArray("batchItemFailures");
            foreach (var id in failures)
            {
                writer.WriteStartObject();
                writer.WriteString("itemIdentifier", id);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        else if (IsScheduled(root))
        {
            var round = await LambdaMaintenance.RunAsync(context, cancellationToken).ConfigureAwait(false);
            writer.WriteStartObject();
            writer.WriteNumber("rescued", round.Rescued);
            writer.WriteNumber("resent", round.Resent);
            writer.WriteNumber("left", round.Left);
            writer.WriteNumber("redelivered", round.Redelivered);
            writer.WriteNumber("adopted", round.Adopted);
            writer.WriteEndObject();
        }
        else
        {
            var result = await DirectInvocation.RunAsync(context, text, cancellationToken).ConfigureAwait(false);
            result.WriteTo(writer);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> ReadAsync(Stream input, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    private static JsonDocument Parse(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new LambdaEventException(text.Trim().Length == 0
                ? "The event is empty; invoke the function with a JobRunners envelope, an SQS event or a scheduled event."
                : $"The event is not valid JSON ({ex.Message}); invoke the function with a JobRunners envelope, an SQS event or a scheduled event.", ex);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new LambdaEventException($"The event is {(kind == JsonValueKind.Null ? "null" : $"a JSON {kind.ToString().ToLowerInvariant()}")}, not an object; invoke the function with a JobRunners envelope, an SQS event or a scheduled event.");
        }

        return document;
    }

    private static bool IsScheduled(JsonElement root) =>
        (root.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String && source.GetString() is "aws.events" or "aws.scheduler")
        || (root.TryGetProperty("jobrunners", out var command) && command.ValueKind == JsonValueKind.String && command.GetString() == "maintenance");
}
