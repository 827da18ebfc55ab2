namespace JobRunners.Runners.PostgreSql.WorkerHost;

/// <summary>The payload of the host jobs.</summary>
/// <param name="SleepMilliseconds">How long <see cref="HostJobs.SleepFirst"/> sleeps on its first attempt.</param>
public sealed record HostPayload(int SleepMilliseconds = 0);
