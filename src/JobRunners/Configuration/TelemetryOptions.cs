namespace JobRunners;

/// <summary>Telemetry settings (<c>JobRunners:Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// How often, at most, the queue gauges (<c>jobrunners.queue.jobs</c>, <c>jobrunners.queue.oldest_due_age</c>)
    /// read the store, and only while a metrics listener collects them. Default 30 seconds.
    /// </summary>
    public TimeSpan QueueStatsInterval { get; set; } = TimeSpan.FromSeconds(30);
}
