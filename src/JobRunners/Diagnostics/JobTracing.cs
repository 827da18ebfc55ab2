using System.Collections.Concurrent;
using System.Diagnostics;

namespace JobRunners.Diagnostics;

/// <summary>
/// The spans of the one path a job takes: a producer span per dispatch (one for a whole batch) and a consumer span
/// per execution attempt whose parent is the trace context stored with the row (or carried by a task's envelope).
/// Every method costs a check of <see cref="ActivitySource.HasListeners"/> when nothing listens.
/// </summary>
internal static class JobTracing
{
    // Span names per queue ("send q", "process q"), made once each: a queue's spans do not build a string per call.
    // Bounded, so an application that names queues per job cannot grow it without limit.
    private const int MaxCachedNames = 1_000;
    private static readonly ConcurrentDictionary<string, string> SendNames = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> ProcessNames = new(StringComparer.Ordinal);

    private static ActivitySource Source => JobRunnersTelemetry.Source;

    /// <summary>Starts the producer span of a dispatch of one or many jobs or tasks; null when nobody samples it.</summary>
    /// <param name="runner">The runner dispatched through.</param>
    /// <param name="queue">The destination queue, or null when the items go to several.</param>
    /// <param name="jobType">The job type or task name, or null when the items have several.</param>
    /// <param name="messageId">The job id, when one job is sent and its row already exists.</param>
    /// <param name="batchCount">The number of items of a batch dispatch; null for a one-by-one dispatch.</param>
    public static Activity? StartSend(string runner, string? queue, string? jobType, long? messageId, int? batchCount)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(queue is null ? "send" : SpanName(SendNames, "send ", queue), ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            SetMessagingTags(activity, "send", queue, jobType, runner, messageId);
            if (batchCount is { } count)
            {
                activity.SetTag(TelemetryTags.BatchCount, count);
            }
        }

        return activity;
    }

    /// <summary>
    /// Starts the consumer span of one execution attempt, child of the dispatch's stored trace context (a root when
    /// there is none or it cannot be read); null when nobody samples it.
    /// </summary>
    public static Activity? StartProcess(string queue, string jobType, long? jobId, int attempt, string? runner, string? traceParent, string? traceState)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);
        return StartProcess(queue, jobType, jobId, attempt, runner, parent);
    }

    /// <summary>Starts the consumer span of one execution attempt, child of <paramref name="parent"/> (a root when it is the default).</summary>
    public static Activity? StartProcess(string queue, string jobType, long? jobId, int attempt, string? runner, ActivityContext parent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(SpanName(ProcessNames, "process ", queue), ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            SetMessagingTags(activity, "process", queue, jobType, runner, jobId);
            activity.SetTag(TelemetryTags.Attempt, attempt);
        }

        return activity;
    }

    private static string SpanName(ConcurrentDictionary<string, string> names, string operation, string queue) =>
        names.TryGetValue(queue, out var name) ? name
        : names.Count < MaxCachedNames ? names.GetOrAdd(queue, static (q, op) => op + q, operation)
        : operation + queue;

    /// <summary>The attributes every span of ours carries: the messaging operation, destination, job type, runner and message id.</summary>
    private static void SetMessagingTags(Activity activity, string operation, string? queue, string? jobType, string? runner, long? messageId)
    {
        activity.SetTag(TelemetryTags.System, JobRunnersTelemetry.MessagingSystem);
        activity.SetTag(TelemetryTags.OperationType, operation);
        activity.SetTag(TelemetryTags.OperationName, operation);
        activity.SetTag(TelemetryTags.Destination, queue);
        activity.SetTag(TelemetryTags.JobType, jobType);
        activity.SetTag(TelemetryTags.Runner, runner);
        if (messageId is { } id)
        {
            activity.SetTag(TelemetryTags.MessageId, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Marks a span failed: error status, the exception as an event, and <c>error.type</c>.</summary>
    public static void Fail(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag(TelemetryTags.ErrorType, error.GetType().FullName);
        activity.AddException(error);
    }

    /// <summary>Marks a span failed and returns false: for an exception filter that lets the exception pass.</summary>
    public static bool Failed(Activity? activity, Exception error)
    {
        Fail(activity, error);
        return false;
    }

    /// <summary>Records how an attempt ended; a failure or retry makes the span an error.</summary>
    public static void End(Activity? activity, JobOutcome outcome, Exception? error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(TelemetryTags.Outcome, OutcomeName(outcome.Kind));
        if (outcome.Kind is JobOutcomeKind.Failed or JobOutcomeKind.Retry)
        {
            if (error is not null)
            {
                Fail(activity, error);
            }
            else
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome.Reason);
                activity.SetTag(TelemetryTags.ErrorType, "failed");
            }
        }
    }

    /// <summary>The lower-case name of an outcome, as spans and metrics report it.</summary>
    public static string OutcomeName(JobOutcomeKind kind) => kind switch
    {
        JobOutcomeKind.Succeeded => "succeeded",
        JobOutcomeKind.Failed => "failed",
        JobOutcomeKind.Cancelled => "cancelled",
        JobOutcomeKind.Retry => "retry",
        JobOutcomeKind.Released => "released",
        JobOutcomeKind.LeaseLost => "lease_lost",
        JobOutcomeKind.Skipped => "skipped",
        JobOutcomeKind.NotDue => "not_due",
        JobOutcomeKind.NotServed => "not_served",
        _ => "rejected",
    };

    /// <summary>
    /// The trace context a dispatch stores with its rows and puts in envelopes: the current activity's (the producer
    /// span, or the application's own when nobody samples ours), fitted to the store's limits. A context that cannot
    /// be kept is dropped, never an error: a trace must not fail a dispatch. A too long tracestate loses list entries
    /// from its end, as the W3C recommendation allows.
    /// </summary>
    public static (string? TraceParent, string? TraceState) CurrentContext()
    {
        var context = CurrentActivityContext();
        return context == default ? (null, null) : (Format(context), context.TraceState);
    }

    /// <summary>
    /// The current activity's context as <see cref="CurrentContext"/> keeps it, as a struct: what an in-process
    /// hand-over carries, so nothing is formatted unless a runner writes it down. The default when there is none.
    /// </summary>
    public static ActivityContext CurrentActivityContext()
    {
        var current = Activity.Current;
        if (current is null || current.IdFormat != ActivityIdFormat.W3C)
        {
            return default;
        }

        var state = current.TraceStateString;
        return state is null
            ? new ActivityContext(current.TraceId, current.SpanId, current.ActivityTraceFlags)
            : new ActivityContext(current.TraceId, current.SpanId, current.ActivityTraceFlags, FitTraceState(state));
    }

    /// <summary>The W3C <c>traceparent</c> of a context (version 00), or null for the default context.</summary>
    public static string? Format(ActivityContext context)
    {
        if (context == default)
        {
            return null;
        }

        var sampled = (context.TraceFlags & ActivityTraceFlags.Recorded) != 0;
        return string.Concat("00-", context.TraceId.ToHexString(), "-", context.SpanId.ToHexString(), sampled ? "-01" : "-00");
    }

    /// <summary>A tracestate that fits the store: entries dropped from the end until it does; null when none fit.</summary>
    internal static string? FitTraceState(string? traceState)
    {
        if (string.IsNullOrEmpty(traceState) || traceState.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        while (traceState.Length > NewJobRequest.MaxTraceStateLength)
        {
            var cut = traceState.LastIndexOf(',');
            if (cut <= 0)
            {
                return null;
            }

            traceState = traceState[..cut].TrimEnd();
        }

        return traceState.Length == 0 ? null : traceState;
    }
}
