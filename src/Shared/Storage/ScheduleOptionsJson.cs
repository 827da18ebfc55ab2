using System.Text.Json;

namespace JobRunners.Extensibility;

/// <summary>The dispatch options of a schedule, kept as JSON in the <c>options</c> column so new ones need no migration.</summary>
internal sealed record ScheduleOptionsJson(string? QueueName, int Priority, int? MaxAttempts)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static ScheduleOptionsJson Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new(null, 0, null) : JsonSerializer.Deserialize<ScheduleOptionsJson>(json, Json) ?? new(null, 0, null);
}
