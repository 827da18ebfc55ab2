using Microsoft.Extensions.Logging;

namespace JobRunners.Hosting;

/// <summary>
/// Startup and maintenance log events, 3000-3399: startup and the maintenance loop (3001-3099), the outbox and
/// dispatch marks (3101-3199), the reconciler (3201-3299), rescued rows (3301-3399). Ids and names are stable;
/// docs/logging.md lists them.
/// </summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 3001, EventName = "JobRunnersStarted", Level = LogLevel.Information,
        Message = "JobRunners started: runner {Runner}, store {Store}, worker {WorkerId}.")]
    public static partial void Started(ILogger logger, string runner, string store, string workerId);

    [LoggerMessage(EventId = 3002, EventName = "MaintenanceFailed", Level = LogLevel.Error,
        Message = "Job maintenance failed; trying again in {Interval}.")]
    public static partial void MaintenanceFailed(ILogger logger, Exception error, TimeSpan interval);

    [LoggerMessage(EventId = 3101, EventName = "OutboxResent", Level = LogLevel.Information,
        Message = "The outbox re-sent {Count} job(s) to {Runner}.")]
    public static partial void OutboxResent(ILogger logger, int count, string runner);

    [LoggerMessage(EventId = 3102, EventName = "RunnerRefusedJob", Level = LogLevel.Warning,
        Message = "{Runner} did not accept job {JobId} ({JobType}); it stays queued and is tried again next round.")]
    public static partial void RunnerRefusedJob(ILogger logger, Exception error, string runner, long jobId, string jobType);

    [LoggerMessage(EventId = 3103, EventName = "DispatchMarkFailed", Level = LogLevel.Warning,
        Message = "The {Runner} runner accepted job(s) {JobIds}, but marking their rows dispatched failed; the outbox sends them again and the claim runs each once.")]
    public static partial void DispatchMarkFailed(ILogger logger, Exception error, string runner, string jobIds);

    [LoggerMessage(EventId = 3201, EventName = "HiddenRetriesResent", Level = LogLevel.Information,
        Message = "Sent {Count} job(s) to {Runner} again: each {Reason}. Jobs: {JobIds}.")]
    public static partial void HiddenRetriesResent(ILogger logger, int count, string runner, string reason, string jobIds);

    [LoggerMessage(EventId = 3202, EventName = "LostMessagesResent", Level = LogLevel.Warning,
        Message = "Sent {Count} job(s) to {Runner} again: each {Reason}. Jobs: {JobIds}.")]
    public static partial void LostMessagesResent(ILogger logger, int count, string runner, string reason, string jobIds);

    [LoggerMessage(EventId = 3203, EventName = "JobsAdopted", Level = LogLevel.Warning,
        Message = "Adopted {Count} queued job(s) that the {FromRunner} runner had accepted: this process runs {Runner}, so they were sent through it (JOB_RUNNER changed, or processes sharing this store disagree).")]
    public static partial void JobsAdopted(ILogger logger, int count, string fromRunner, string runner);

    [LoggerMessage(EventId = 3301, EventName = "StaleJobRescued", Level = LogLevel.Warning,
        Message = "Job {JobId} ({JobType}) lost its worker mid-attempt and was {Status}.")]
    public static partial void StaleJobRescued(ILogger logger, long jobId, string jobType, string status);
}
