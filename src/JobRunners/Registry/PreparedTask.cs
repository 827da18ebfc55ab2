using System.Diagnostics;
using JobRunners.Diagnostics;
using JobRunners.Registry;

namespace JobRunners.Extensibility;

/// <summary>
/// A task whose payload has been bound to its registered type and validated, ready for a runner to carry.
/// In-process runners carry the object itself; runners that send messages use <see cref="ToJson"/>.
/// </summary>
public sealed class PreparedTask
{
    internal PreparedTask(TaskDefinition definition, object payload)
    {
        Definition = definition;
        Payload = payload;
    }

    /// <summary>The registered task name.</summary>
    public string Name => Definition.Name;

    /// <summary>The bound payload, an instance of the registered payload type.</summary>
    public object Payload { get; }

    // The dispatch's trace context: in process as the struct the activity gave (nothing formatted or parsed), as text
    // once a runner writes it into an envelope or a row, or when it came back out of one.
    private ActivityContext _trace;
    private string? _traceParent;

    /// <summary>
    /// The W3C <c>traceparent</c> of the dispatch that sent this task (its producer span), or null: runners that
    /// carry the task put it in the envelope or the task row, so the execution continues the dispatching trace.
    /// </summary>
    public string? TraceParent => _traceParent ??= JobTracing.Format(_trace);

    /// <summary>The W3C <c>tracestate</c> that goes with <see cref="TraceParent"/>, or null.</summary>
    public string? TraceState { get; private set; }

    /// <summary>The dispatch's trace context, parsed from <see cref="TraceParent"/> only when it came as text.</summary>
    internal ActivityContext TraceContext =>
        _trace == default && _traceParent is not null && ActivityContext.TryParse(_traceParent, TraceState, isRemote: true, out var parsed) ? parsed : _trace;

    /// <summary>Carries the context of the dispatching activity, as it is: for a runner that hands the object over in process.</summary>
    internal void CarryTrace(ActivityContext context)
    {
        _trace = context;
        _traceParent = null;
        TraceState = context.TraceState;
    }

    /// <summary>Carries a context read back from an envelope or a row.</summary>
    internal void CarryTrace(string? traceParent, string? traceState)
    {
        _trace = default;
        _traceParent = traceParent;
        TraceState = traceParent is null ? null : traceState;
    }

    internal TaskDefinition Definition { get; }

    /// <summary>The task as a queue and job type in rows, spans and metrics: <c>task:{name}</c>.</summary>
    internal string StoredName => Definition.StoredName;

    /// <summary>The payload as JSON, for runners that send messages.</summary>
    public string ToJson() => Definition.ToJson(Payload);
}
