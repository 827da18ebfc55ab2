namespace JobRunners.Diagnostics;

/// <summary>The attribute (tag) names JobRunners writes on spans and metrics.</summary>
internal static class TelemetryTags
{
    public const string System = "messaging.system";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string Destination = "messaging.destination.name";
    public const string MessageId = "messaging.message.id";
    public const string BatchCount = "messaging.batch.message_count";
    public const string ErrorType = "error.type";
    public const string JobType = "jobrunners.job.type";
    public const string Attempt = "jobrunners.job.attempt";
    public const string Runner = "jobrunners.runner";
    public const string Outcome = "jobrunners.job.outcome";
    public const string OperatorAction = "jobrunners.operator.action";
    public const string ActionOutcome = "jobrunners.operator.outcome";
}
