using System.Text;
using System.Text.Json;

namespace JobRunners.Extensibility;

/// <summary>
/// What a row can hold, checked before a write so that no store refuses it halfway (PostgreSQL cannot store a NUL
/// character in text or jsonb; an index entry has a size limit) and both stores accept the same rows.
/// </summary>
internal static class StoredValues
{
    /// <summary>The longest unique key, in UTF-8 bytes: it is indexed together with the job type.</summary>
    public const int MaxUniqueKeyBytes = 1000;

    /// <summary>Refuses a row whose job type, queue, payload or unique key cannot be stored, naming the field.</summary>
    /// <exception cref="InvalidDispatchException">A value cannot be stored.</exception>
    public static void Check(string jobType, string queueName, string payload, string? uniqueKey)
    {
        NoNul(jobType, "job type");
        NoNul(queueName, "DispatchOptions.QueueName");
        if (uniqueKey is not null)
        {
            NoNul(uniqueKey, "DispatchOptions.UniqueKey");
            var bytes = Encoding.UTF8.GetByteCount(uniqueKey);
            if (bytes > MaxUniqueKeyBytes)
            {
                throw new InvalidDispatchException(
                    "DispatchOptions.UniqueKey",
                    $"DispatchOptions.UniqueKey of job '{jobType}' is {uniqueKey.Length:N0} characters ({bytes:N0} bytes in UTF-8), over the limit of {MaxUniqueKeyBytes:N0} bytes: use a shorter key, such as a hash of the long one.");
            }
        }

        CheckPayload(jobType, payload);
    }

    /// <summary>Refuses a <see cref="NewJobRequest.UniqueFor"/> a row cannot hold, naming the option.</summary>
    /// <exception cref="InvalidDispatchException">The period is zero, negative, too long, or there is no identity to hold.</exception>
    public static void CheckUniqueFor(string jobType, string? uniqueKey, TimeSpan? uniqueFor)
    {
        if (uniqueFor is not { } period)
        {
            return;
        }

        if (uniqueKey is null)
        {
            throw new InvalidDispatchException(
                "DispatchOptions.UniqueFor",
                $"DispatchOptions.UniqueFor of job '{jobType}' needs an identity to hold: set DispatchOptions.UniqueKey or DispatchOptions.UniqueByPayload (or the job type's default).");
        }

        if (period != DispatchOptions.Forever && (period < TimeSpan.FromMilliseconds(1) || period > MaxUniqueFor))
        {
            throw new InvalidDispatchException(
                "DispatchOptions.UniqueFor",
                $"DispatchOptions.UniqueFor of job '{jobType}' is {period}: give a period from 1 ms to {MaxUniqueFor.TotalDays:N0} days, DispatchOptions.Forever, or null to hold the identity while the job is unfinished.");
        }
    }

    /// <summary>
    /// When a row written at <paramref name="now"/> stops holding its identity once finished (its unique_until): null
    /// when it holds it only while unfinished, <see cref="DateTimeOffset.MaxValue"/> for ever.
    /// </summary>
    public static DateTimeOffset? UniqueUntil(NewJobRequest job, DateTimeOffset now) => job.UniqueFor switch
    {
        null => null,
        var period when period == DispatchOptions.Forever => DateTimeOffset.MaxValue,
        var period => now + period.Value,
    };

    /// <summary>The longest period an identity is held for, short of for ever: 100 years.</summary>
    public static readonly TimeSpan MaxUniqueFor = TimeSpan.FromDays(36_500);

    /// <summary>The queue part of a row's identity: its queue when the identity holds per queue, else empty.</summary>
    public static string IdentityQueue(string queueName, bool perQueue) => perQueue ? queueName : "";

    /// <summary>
    /// Refuses a trace context a store cannot keep: a NUL character, a value over its length
    /// (<see cref="NewJobRequest.MaxTraceParentLength"/>, <see cref="NewJobRequest.MaxTraceStateLength"/>), or a
    /// <c>tracestate</c> without its <c>traceparent</c>.
    /// </summary>
    /// <exception cref="InvalidDispatchException">A value cannot be stored.</exception>
    public static void CheckTrace(string jobType, string? traceParent, string? traceState)
    {
        if (traceParent is null)
        {
            if (traceState is not null)
            {
                throw new InvalidDispatchException(
                    "TraceState",
                    $"The trace context of job '{jobType}' has a tracestate but no traceparent: a tracestate only means something with its traceparent; pass both or neither.");
            }

            return;
        }

        CheckTraceValue(jobType, traceParent, "TraceParent", "traceparent", NewJobRequest.MaxTraceParentLength);
        if (traceState is not null)
        {
            CheckTraceValue(jobType, traceState, "TraceState", "tracestate", NewJobRequest.MaxTraceStateLength);
        }
    }

    /// <summary>Refuses a payload holding a NUL character (raw or as the JSON escape <c>\u0000</c>), naming the member.</summary>
    public static void CheckPayload(string name, string payload)
    {
        // Only a payload that could hold a NUL is parsed: the common one costs two scans of its text.
        if (!payload.Contains('\0', StringComparison.Ordinal) && !payload.Contains("\\u0000", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        string? path;
        try
        {
            using var document = JsonDocument.Parse(payload);
            path = FindNul(document.RootElement, "payload");
        }
        catch (JsonException)
        {
            path = payload.Contains('\0', StringComparison.Ordinal) ? "payload" : null;
        }

        if (path is not null)
        {
            throw new InvalidDispatchException(
                path,
                $"The payload of '{name}' has a NUL character (\\u0000) in {path}, which the job store cannot keep: remove it, or encode binary data (e.g. as base64).");
        }
    }

    private static void CheckTraceValue(string jobType, string value, string field, string header, int maxLength)
    {
        if (value.Length > maxLength)
        {
            throw new InvalidDispatchException(
                field,
                $"The {header} of job '{jobType}' is {value.Length:N0} characters, over the limit of {maxLength:N0}: " +
                (header == "tracestate" ? "drop list entries (the W3C recommendation allows it) until it fits." : "pass a W3C traceparent (55 characters in version 00)."));
        }

        NoNul(value, field);
    }

    private static void NoNul(string value, string field)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidDispatchException(field, $"{field} has a NUL character (\\u0000), which the job store cannot keep: remove it.");
        }
    }

    private static string? FindNul(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString()!.Contains('\0', StringComparison.Ordinal) ? path : null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var inner = $"{path}.{property.Name.Replace("\0", "\\u0000", StringComparison.Ordinal)}";
                    if (property.Name.Contains('\0', StringComparison.Ordinal))
                    {
                        return inner;
                    }

                    if (FindNul(property.Value, inner) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindNul(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
