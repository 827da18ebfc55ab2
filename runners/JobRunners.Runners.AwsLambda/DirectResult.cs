using System.Text.Json;

namespace JobRunners.Runners.AwsLambda;

/// <summary>The function's answer to a direct invocation (read by synchronous callers such as <c>jobrunners lambda invoke-local</c>).</summary>
/// <param name="Kind"><c>job</c> or <c>task</c>.</param>
/// <param name="Name">The job type or task name.</param>
/// <param name="JobId">The row id, for jobs.</param>
/// <param name="Status">What happened: a <see cref="JobOutcomeKind"/> name, or <c>Succeeded</c> for a task.</param>
/// <param name="Next">What happens next: <c>none</c>, <c>outbox</c> (invoked again when due), <c>reinvoked</c>, <c>stale</c>.</param>
/// <param name="RetryAt">When the job runs again, if it does.</param>
/// <param name="Queue">The job's queue.</param>
internal sealed record DirectResult(string Kind, string Name, long? JobId, string Status, string Next, DateTimeOffset? RetryAt, string? Queue)
{
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("kind", Kind);
        writer.WriteString("name", Name);
        if (JobId is { } id)
        {
            writer.WriteNumber("jobId", id);
        }

        if (Queue is not null)
        {
            writer.WriteString("queue", Queue);
        }

        writer.WriteString("status", Status);
        writer.WriteString("next", Next);
        if (RetryAt is { } at)
        {
            writer.WriteString("retryAt", at);
        }

        writer.WriteEndObject();
    }
}
