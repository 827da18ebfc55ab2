namespace JobRunners;

/// <summary>The core dispatcher over a registered <see cref="IJobTransport"/>: the runner a custom transport becomes.</summary>
internal sealed class TransportJobRunner : JobRunnerBase
{
    private readonly IJobTransport _transport;
    private readonly JobTransportTraits _traits;

    public TransportJobRunner(string name, IJobTransport transport, JobRunnerServices services)
        : base(services)
    {
        ArgumentNullException.ThrowIfNull(transport);
        Name = name;
        _transport = transport;
        _traits = transport.Traits ?? JobTransportTraits.Default;
    }

    public override string Name { get; }

    protected override TimeSpan MaxNativeDelay => _traits.MaxNativeDelay;

    protected internal override bool MessagesCanBeLost => _traits.MessagesCanBeLost;

    public override RunnerConfiguration CheckConfiguration() => _transport.CheckConfiguration(Name);

    protected override ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken) =>
        _transport.SendJobAsync(job, cancellationToken);

    protected override ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) =>
        _transport.SendTaskAsync(task, cancellationToken);
}
