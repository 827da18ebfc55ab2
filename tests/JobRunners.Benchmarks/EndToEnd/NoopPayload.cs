namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>The payload of every no-op job and task: small, like an id.</summary>
public sealed record NoopPayload(int N);
