namespace JobRunners.Registry;

/// <summary>A registered job: its name, payload type, options and a typed delegate captured at registration.</summary>
internal abstract class JobDefinition
{
    protected JobDefinition(string name, Type payloadType, JobTypeOptions options, bool inScope)
    {
        Name = name;
        PayloadType = payloadType;
        Options = options;
        InScope = inScope;
    }

    public string Name { get; }

    /// <summary>
    /// Whether the handler resolves services (a handler class): it then runs in a fresh dependency-injection scope
    /// per attempt. A delegate handler sees no service provider, so no scope is made for it.
    /// </summary>
    public bool InScope { get; }

    public Type PayloadType { get; }

    public JobTypeOptions Options { get; }

    /// <summary>Binds, validates and serializes a payload given at dispatch.</summary>
    public abstract string PrepareJson(object? payload);

    /// <summary>Runs one attempt with the payload read from the row.</summary>
    public abstract ValueTask RunAsync(string payloadJson, IServiceProvider services, IJobContext context, CancellationToken cancellationToken);
}

internal sealed class JobDefinition<TPayload> : JobDefinition
{
    private readonly PayloadBinder<TPayload> _binder;
    private readonly Func<IServiceProvider, TPayload, IJobContext, CancellationToken, ValueTask> _handler;

    public JobDefinition(string name, JobTypeOptions options, PayloadBinder<TPayload> binder, bool inScope, Func<IServiceProvider, TPayload, IJobContext, CancellationToken, ValueTask> handler)
        : base(name, typeof(TPayload), options, inScope)
    {
        _binder = binder;
        _handler = handler;
    }

    public override string PrepareJson(object? payload) => _binder.ToJson(_binder.Bind(payload));

    public override ValueTask RunAsync(string payloadJson, IServiceProvider services, IJobContext context, CancellationToken cancellationToken) =>
        _handler(services, _binder.FromJson(payloadJson), context, cancellationToken);
}
