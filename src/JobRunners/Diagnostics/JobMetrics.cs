using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace JobRunners.Diagnostics;

/// <summary>
/// The JobRunners instruments. Tags are the job type, the queue and the runner: names the application registered,
/// so their number stays small. Every method checks <see cref="Instrument.Enabled"/> before building tags.
/// </summary>
internal static class JobMetrics
{
    private static readonly Meter Meter = JobRunnersTelemetry.Meter;

    public static readonly Counter<long> Dispatched = Meter.CreateCounter<long>("jobrunners.jobs.dispatched", "{job}", "Jobs and tasks a runner accepted from a dispatch.");
    public static readonly Counter<long> Deduplicated = Meter.CreateCounter<long>("jobrunners.jobs.deduplicated", "{job}", "Job dispatches that wrote nothing because another job held their identity (the dispatch returned that job).");
    public static readonly Counter<long> Succeeded = Meter.CreateCounter<long>("jobrunners.jobs.succeeded", "{job}", "Attempts that succeeded.");
    public static readonly Counter<long> Failed = Meter.CreateCounter<long>("jobrunners.jobs.failed", "{job}", "Attempts that failed for good (no retry left, or not retryable).");
    public static readonly Counter<long> Retried = Meter.CreateCounter<long>("jobrunners.jobs.retried", "{job}", "Attempts that failed and were scheduled to run again.");
    public static readonly Counter<long> Cancelled = Meter.CreateCounter<long>("jobrunners.jobs.cancelled", "{job}", "Attempts that ended because their job was cancelled.");
    public static readonly Counter<long> Rescued = Meter.CreateCounter<long>("jobrunners.jobs.rescued", "{job}", "Running rows whose lease lapsed, rescued by maintenance.");
    public static readonly Counter<long> Resent = Meter.CreateCounter<long>("jobrunners.jobs.resent", "{job}", "Rows the outbox handed to the runner again (never accepted, or rescued).");

    public static readonly Counter<long> OperatorActions = Meter.CreateCounter<long>("jobrunners.operator.actions", "{job}", "Jobs an operator cancelled, retried, ran now, deleted or purged (IJobMonitor, the CLI, the dashboard).");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("jobrunners.job.duration", "s", "How long an attempt's handler ran.");
    public static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("jobrunners.job.queue_wait", "s", "How long a job waited from its due time until an attempt started.");

    public static void Count(Counter<long> counter, string jobType, string queue, string? runner, long count = 1)
    {
        if (!counter.Enabled)
        {
            return;
        }

        counter.Add(count, Tags(jobType, queue, runner));
    }

    /// <summary>Counts an operator's action on <paramref name="count"/> jobs, tagged with the action and its outcome.</summary>
    public static void CountOperatorAction(string action, JobActionOutcome outcome, long count = 1)
    {
        if (!OperatorActions.Enabled || count == 0)
        {
            return;
        }

        OperatorActions.Add(count, new TagList
        {
            { TelemetryTags.OperatorAction, action },
            { TelemetryTags.ActionOutcome, outcome switch { JobActionOutcome.Done => "done", JobActionOutcome.NotFound => "not_found", _ => "not_allowed" } },
        });
    }

    /// <summary>Counts an attempt's outcome (succeeded, failed, retried, cancelled; others are not counted).</summary>
    public static void CountOutcome(JobOutcomeKind kind, string jobType, string queue, string? runner)
    {
        var counter = kind switch
        {
            JobOutcomeKind.Succeeded => Succeeded,
            JobOutcomeKind.Failed => Failed,
            JobOutcomeKind.Retry => Retried,
            JobOutcomeKind.Cancelled => Cancelled,
            _ => null,
        };
        if (counter is not null)
        {
            Count(counter, jobType, queue, runner);
        }
    }

    public static void RecordDuration(TimeSpan elapsed, JobOutcomeKind kind, string jobType, string queue, string? runner)
    {
        if (!Duration.Enabled)
        {
            return;
        }

        var tags = Tags(jobType, queue, runner);
        tags.Add(TelemetryTags.Outcome, JobTracing.OutcomeName(kind));
        Duration.Record(elapsed.TotalSeconds, tags);
    }

    public static void RecordQueueWait(TimeSpan wait, string jobType, string queue, string? runner)
    {
        if (!QueueWait.Enabled)
        {
            return;
        }

        QueueWait.Record(Math.Max(0, wait.TotalSeconds), Tags(jobType, queue, runner));
    }

    /// <summary>The tags every measurement carries: job type, queue and, when known, the runner.</summary>
    private static TagList Tags(string jobType, string queue, string? runner)
    {
        var tags = new TagList
        {
            { TelemetryTags.JobType, jobType },
            { TelemetryTags.Destination, queue },
        };
        if (runner is not null)
        {
            tags.Add(TelemetryTags.Runner, runner);
        }

        return tags;
    }
}
