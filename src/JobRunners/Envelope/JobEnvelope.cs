using JobRunners.Diagnostics;
using System.Text.Json;

namespace JobRunners.Extensibility;

/// <summary>
/// The versioned message queue runners put on the wire. A job envelope carries only the row id (the payload
/// stays in the row); a task envelope carries the payload.
/// <code>{"v":1,"kind":"job","name":"send-report","jobId":42,"attempt":1,"traceparent":"00-..."}</code>
/// <code>{"v":1,"kind":"task","name":"ping","payload":{"to":"ops"}}</code>
/// </summary>
public sealed record JobEnvelope
{
    /// <summary>The version this library writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The format version.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Job or task.</summary>
    public required EnvelopeKind Kind { get; init; }

    /// <summary>The job type or task name.</summary>
    public required string Name { get; init; }

    /// <summary>The row id, for jobs.</summary>
    public long? JobId { get; init; }

    /// <summary>The payload as JSON text, for tasks.</summary>
    public string? Payload { get; init; }

    /// <summary>The attempt the sender expected to run (informational: the row is the authority).</summary>
    public int Attempt { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the dispatch. A task's execution continues this trace; a job's continues the
    /// one stored with its row (the same one, carried here for tools that read the queue).
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> that goes with <see cref="TraceParent"/>, or null.</summary>
    public string? TraceState { get; init; }

    /// <summary>An envelope for a job row, with the row's trace context (the current activity's when the row has none).</summary>
    public static JobEnvelope ForJob(JobRequest job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var (traceParent, traceState) = job.TraceParent is not null ? (job.TraceParent, job.TraceState) : JobTracing.CurrentContext();
        return new JobEnvelope { Kind = EnvelopeKind.Job, Name = job.JobType, JobId = job.Id, Attempt = job.Attempts + 1, TraceParent = traceParent, TraceState = traceState };
    }

    /// <summary>An envelope for a prepared task, with its dispatch's trace context (the current activity's when it has none).</summary>
    public static JobEnvelope ForTask(PreparedTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var (traceParent, traceState) = task.TraceParent is not null ? (task.TraceParent, task.TraceState) : JobTracing.CurrentContext();
        return new JobEnvelope { Kind = EnvelopeKind.Task, Name = task.Name, Payload = task.ToJson(), Attempt = 1, TraceParent = traceParent, TraceState = traceState };
    }

    /// <summary>Writes the envelope as compact JSON.</summary>
    public string Serialize()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", Version);
            writer.WriteString("kind", Kind == EnvelopeKind.Job ? "job" : "task");
            writer.WriteString("name", Name);
            if (JobId is { } id)
            {
                writer.WriteNumber("jobId", id);
            }

            if (Payload is not null)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(Payload);
            }

            writer.WriteNumber("attempt", Attempt);
            if (TraceParent is not null)
            {
                writer.WriteString("traceparent", TraceParent);
                if (TraceState is not null)
                {
                    writer.WriteString("tracestate", TraceState);
                }
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads an envelope; a malformed one fails with a reason, never a crash.</summary>
    /// <exception cref="MalformedEnvelopeException">The text is not a valid envelope.</exception>
    public static JobEnvelope Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedEnvelopeException("the message is not a JSON object");
            }

            var version = root.TryGetProperty("v", out var v) && v.TryGetInt32(out var n) ? n : throw new MalformedEnvelopeException("the message has no version (\"v\")");
            if (version != CurrentVersion)
            {
                throw new MalformedEnvelopeException($"version {version} is not supported (this worker reads version {CurrentVersion}); upgrade the worker");
            }

            var kind = root.TryGetProperty("kind", out var k) ? k.GetString() : null;
            var name = root.TryGetProperty("name", out var nm) && nm.ValueKind == JsonValueKind.String ? nm.GetString() : null;
            if (string.IsNullOrEmpty(name))
            {
                throw new MalformedEnvelopeException("the message has no name");
            }

            var attempt = root.TryGetProperty("attempt", out var a) && a.TryGetInt32(out var at) ? at : 1;
            var trace = root.TryGetProperty("traceparent", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var traceState = trace is not null && root.TryGetProperty("tracestate", out var ts) && ts.ValueKind == JsonValueKind.String ? ts.GetString() : null;
            return kind switch
            {
                "job" => new JobEnvelope
                {
                    Kind = EnvelopeKind.Job,
                    Name = name,
                    JobId = root.TryGetProperty("jobId", out var j) && j.TryGetInt64(out var jid) && jid > 0 ? jid : throw new MalformedEnvelopeException("a job message needs a positive \"jobId\""),
                    Attempt = attempt,
                    TraceParent = trace,
                    TraceState = traceState,
                },
                "task" => new JobEnvelope
                {
                    Kind = EnvelopeKind.Task,
                    Name = name,
                    Payload = root.TryGetProperty("payload", out var p) ? p.GetRawText() : throw new MalformedEnvelopeException("a task message needs a \"payload\""),
                    Attempt = attempt,
                    TraceParent = trace,
                    TraceState = traceState,
                },
                _ => throw new MalformedEnvelopeException($"\"kind\" must be \"job\" or \"task\", not {(kind is null ? "missing" : $"\"{kind}\"")}"),
            };
        }
        catch (JsonException ex)
        {
            throw new MalformedEnvelopeException($"the message is not valid JSON ({ex.Message})", ex);
        }
        catch (InvalidOperationException ex)
        {
            // A field of the wrong JSON type, such as "jobId":"5".
            throw new MalformedEnvelopeException($"a field has the wrong type ({ex.Message})", ex);
        }
#pragma warning disable CA1031 // Whatever a message holds, the worker gets a reason to park it, never a crash.
        catch (Exception ex) when (ex is not MalformedEnvelopeException)
#pragma warning restore CA1031
        {
            throw new MalformedEnvelopeException($"the message cannot be read ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }
}
