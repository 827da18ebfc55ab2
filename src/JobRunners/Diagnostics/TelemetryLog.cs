using Microsoft.Extensions.Logging;

namespace JobRunners.Diagnostics;

/// <summary>Telemetry log events, 3900-3999 of the hosting range. Ids and names are stable; docs/logging.md lists them.</summary>
internal static partial class TelemetryLog
{
    [LoggerMessage(EventId = 3901, EventName = "QueueStatsFailed", Level = LogLevel.Warning,
        Message = "Reading queue statistics from the {Store} store for the queue gauges failed; the gauges keep the last sample and try again in {Interval}.")]
    public static partial void QueueStatsFailed(ILogger logger, Exception error, string store, TimeSpan interval);
}
