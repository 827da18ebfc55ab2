using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace JobRunners.Registry;

/// <summary>
/// A job's identity taken from its payload (<see cref="DispatchOptions.UniqueByPayload"/>): SHA-256 over the job type
/// and the canonical JSON of the validated payload (object members in ordinal order, no whitespace), so payloads
/// that bind to the same values, whatever their member order, are one job.
/// </summary>
internal static class PayloadIdentity
{
    /// <summary>What a payload identity starts with in <see cref="JobRequest.UniqueKey"/>.</summary>
    public const string Prefix = "sha256:";

    /// <summary>The identity of <paramref name="json"/> (the payload as the registry serialized it) for <paramref name="jobType"/>.</summary>
    public static string Of(string jobType, string json)
    {
        var canonical = new ArrayBufferWriter<byte>(json.Length + 16);
        using (var document = JsonDocument.Parse(json))
        using (var writer = new Utf8JsonWriter(canonical))
        {
            Write(writer, document.RootElement);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(jobType));
        hash.AppendData([0]);
        hash.AppendData(canonical.WrittenSpan);
        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in element.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    Write(writer, member.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
