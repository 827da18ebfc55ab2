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

    /// <summary>
    /// The W3C <c>traceparent</c> of the dispatch that sent this task (its producer span), or null: runners that
    /// carry the task put it in the envelope or the task row, so the execution continues the dispatching trace.
    /// </summary>
    public string? TraceParent { get; internal set; }

    /// <summary>The W3C <c>tracestate</c> that goes with <see cref="TraceParent"/>, or null.</summary>
    public string? TraceState { get; internal set; }

    internal TaskDefinition Definition { get; }

    /// <summary>The task as a queue and job type in rows, spans and metrics: <c>task:{name}</c>.</summary>
    internal string StoredName => Definition.StoredName;

    /// <summary>The payload as JSON, for runners that send messages.</summary>
    public string ToJson() => Definition.ToJson(Payload);
}
