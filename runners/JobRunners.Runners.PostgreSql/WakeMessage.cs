using System.Text.Json;

namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// The NOTIFY payload: which job type and queue has new work, and when it is due when that is later than now:
/// <c>{"type":"send-report","queue":"reports","at":1767225600000}</c>. A message without a type (a queue that a
/// locking job just released) concerns every job type of the queue. Workers skip messages about work they do not
/// serve; anything unreadable wakes them.
/// </summary>
internal readonly record struct WakeMessage(string? JobType, string? Queue, DateTimeOffset? DueAt)
{
    public string Serialize()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (JobType is not null)
            {
                writer.WriteString("type", JobType);
            }

            if (Queue is not null)
            {
                writer.WriteString("queue", Queue);
            }

            if (DueAt is { } due)
            {
                // Rounded up: a wake-up announced for a moment before the row is due would find nothing to claim.
                writer.WriteNumber("at", (due.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads a payload; null when it is not one of ours (the caller wakes anyway).</summary>
    public static WakeMessage? Parse(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var queue = root.TryGetProperty("queue", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
            DateTimeOffset? due = root.TryGetProperty("at", out var a) && a.TryGetInt64(out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
            return new WakeMessage(type, queue, due);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The messages announcing new rows: one per job type and queue, due at the earliest of them (none when due now).</summary>
    public static IReadOnlyList<string> For(IReadOnlyList<NewJobRequest> rows, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 1)
        {
            var row = rows[0];
            return [Announce(row.JobType, row.QueueName, row.RunAt ?? now, now)];
        }

        return rows
            .GroupBy(row => (row.JobType, row.QueueName))
            .Select(group => Announce(group.Key.JobType, group.Key.QueueName, group.Min(row => row.RunAt ?? now), now))
            .ToList();
    }

    /// <summary>
    /// The messages announcing rows already written (the outbox and the reconciler sending them again): one per job
    /// type and queue for the rows due now, and one per later due time, so a delayed or retrying row adopted with due
    /// ones still wakes a worker when it comes due (up to <see cref="MaxDueTimes"/> times each; the poll covers more).
    /// </summary>
    public static IReadOnlyList<string> For(IReadOnlyList<JobRequest> rows, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows
            .GroupBy(row => (row.JobType, row.QueueName))
            .SelectMany(group => group
                .Select(row => row.RunAt > now ? row.RunAt : now)
                .Distinct()
                .Order()
                .Take(MaxDueTimes)
                .Select(due => Announce(group.Key.JobType, group.Key.QueueName, due, now)))
            .ToList();
    }

    private const int MaxDueTimes = 32;

    private static string Announce(string jobType, string queue, DateTimeOffset due, DateTimeOffset now) =>
        new WakeMessage(jobType, queue, due > now ? due : null).Serialize();
}
