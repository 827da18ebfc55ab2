namespace JobRunners.Registry;

/// <summary>A registered task: its name, payload type and a typed delegate captured at registration.</summary>
internal abstract class TaskDefinition
{
    protected TaskDefinition(string name, Type payloadType, bool inScope)
    {
        Name = name;
        StoredName = TaskRows.JobType(name);
        PayloadType = payloadType;
        InScope = inScope;
    }

    public string Name { get; }

    /// <summary>The task as a queue and job type in rows, spans and metrics (<c>task:{name}</c>), made once.</summary>
    public string StoredName { get; }

    /// <summary>
    /// Whether the handler resolves services (a handler class): it then runs in a fresh dependency-injection scope.
    /// A delegate handler sees no service provider, so no scope is made for it.
    /// </summary>
    public bool InScope { get; }

    public Type PayloadType { get; }

    public abstract PreparedTask Prepare(object? payload);

    /// <summary>Binds a payload read from a queue or a task row and validates it exactly as at dispatch.</summary>
    public abstract PreparedTask FromJson(string json);

    public abstract string ToJson(object payload);

    public abstract ValueTask RunAsync(object payload, IServiceProvider services, ITaskContext context, CancellationToken cancellationToken);
}

internal sealed class TaskDefinition<TPayload> : TaskDefinition
{
    private readonly PayloadBinder<TPayload> _binder;
    private readonly Func<IServiceProvider, TPayload, ITaskContext, CancellationToken, ValueTask> _handler;

    public TaskDefinition(string name, PayloadBinder<TPayload> binder, bool inScope, Func<IServiceProvider, TPayload, ITaskContext, CancellationToken, ValueTask> handler)
        : base(name, typeof(TPayload), inScope)
    {
        _binder = binder;
        _handler = handler;
    }

    public override PreparedTask Prepare(object? payload) => new(this, _binder.Bind(payload)!);

    public override PreparedTask FromJson(string json) => new(this, _binder.Read(json)!);

    public override string ToJson(object payload) => _binder.ToJson((TPayload)payload);

    public override ValueTask RunAsync(object payload, IServiceProvider services, ITaskContext context, CancellationToken cancellationToken) =>
        _handler(services, (TPayload)payload, context, cancellationToken);
}
