namespace JobRunners;

/// <summary>Settings shared by queue workers (SQS, Azure Storage Queue), bound from each runner's <c>Worker</c> section.</summary>
public sealed class QueueWorkerOptions
{
    /// <summary>Messages handled at once by this process (default: twice the processor count).</summary>
    public int Concurrency { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>How long a received message stays invisible to other workers; extended by the heartbeat while it runs (default 30 s).</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often in-flight messages' visibility is extended; default a third of <see cref="VisibilityTimeout"/>.</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>How long shutdown waits for in-flight messages before interrupting them (default 30 s).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first pause after an empty receive or a transient error; doubles up to <see cref="MaxBackoff"/> (default 100 ms).</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest pause between receives while the queue is empty or failing (default 5 s).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    internal TimeSpan EffectiveHeartbeat => HeartbeatInterval ?? TimeSpan.FromTicks(VisibilityTimeout.Ticks / 3);

    /// <summary>Every problem with the settings, named under <paramref name="section"/>.</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (Concurrency < 1)
        {
            yield return $"{section}:Concurrency must be at least 1 (got {Concurrency}).";
        }

        if (VisibilityTimeout < TimeSpan.FromSeconds(1))
        {
            yield return $"{section}:VisibilityTimeout must be at least 1 second (got {VisibilityTimeout}).";
        }

        if (EffectiveHeartbeat <= TimeSpan.Zero || EffectiveHeartbeat >= VisibilityTimeout)
        {
            yield return $"{section}:HeartbeatInterval must be positive and shorter than VisibilityTimeout (got {EffectiveHeartbeat}).";
        }

        if (MinBackoff <= TimeSpan.Zero || MaxBackoff < MinBackoff)
        {
            yield return $"{section}:MinBackoff must be positive and MaxBackoff at least MinBackoff (got {MinBackoff} and {MaxBackoff}).";
        }
    }
}
