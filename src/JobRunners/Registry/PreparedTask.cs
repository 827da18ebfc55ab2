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

    internal TaskDefinition Definition { get; }

    /// <summary>The payload as JSON, for runners that send messages.</summary>
    public string ToJson() => Definition.ToJson(Payload);
}
