using System.Text.Json.Serialization;

namespace JobRunners.Extensibility;

/// <summary>
/// What an envelope carries. The wire format (<see cref="JobEnvelope.Serialize"/>) writes it lower-case; serialized
/// with System.Text.Json it is the member name (<c>"Job"</c>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<EnvelopeKind>))]
public enum EnvelopeKind
{
    /// <summary>A tracked job: the envelope carries only the row id.</summary>
    Job,

    /// <summary>A fire-and-forget task: the envelope carries the payload.</summary>
    Task,
}
