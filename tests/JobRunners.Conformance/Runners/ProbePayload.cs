using System.ComponentModel.DataAnnotations;

namespace JobRunners.Conformance;

/// <summary>The payload of the kit's probe tasks and jobs.</summary>
/// <param name="Key">Identifies the test (and item) the probe belongs to.</param>
/// <param name="Count">A bounded number, so invalid payloads can be tried.</param>
public sealed record ProbePayload([Required] string Key, [Range(0, 1000)] int Count = 1);
