using Microsoft.Extensions.Logging;

namespace JobRunners.Monitoring;

/// <summary>Operator actions, 3401-3499 (category <c>JobRunners.Monitoring.JobMonitor</c>). Ids and names are stable; docs/logging.md lists them.</summary>
internal static partial class MonitorLog
{
    [LoggerMessage(EventId = 3401, EventName = "JobOperatorAction", Level = LogLevel.Information,
        Message = "Operator {Action} of job {JobId}: {Outcome}. {Detail}")]
    public static partial void Action(ILogger logger, string action, long jobId, JobActionOutcome outcome, string detail);

    [LoggerMessage(EventId = 3402, EventName = "JobsOperatorBulkAction", Level = LogLevel.Information,
        Message = "Operator {Action} of {Status} jobs{TypeFilter}: {Count} rows.")]
    public static partial void Bulk(ILogger logger, string action, JobStatus status, string typeFilter, int count);

    [LoggerMessage(EventId = 3403, EventName = "OperatorHandOverFailed", Level = LogLevel.Warning,
        Message = "Job {JobId} was queued again by an operator, but the {Runner} runner refused it; the outbox sends it again on its next round.")]
    public static partial void HandOverFailed(ILogger logger, Exception exception, long jobId, string runner);
}
