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

    /// <summary>
    /// How long a job message whose type this worker does not register stays hidden after its first delivery, so
    /// that a worker with the handler takes it (a rolling deploy); doubles with each delivery up to
    /// <see cref="MaxUnservedDelay"/> (default 5 s).
    /// </summary>
    public TimeSpan UnservedDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest a job message of a type this worker does not register is hidden at a time (default 5 minutes).</summary>
    public TimeSpan MaxUnservedDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long to hide a job message of a type this worker does not register, after its
    /// <paramref name="deliveries"/>th delivery: <see cref="UnservedDelay"/> doubled per earlier delivery, at most
    /// <see cref="MaxUnservedDelay"/>.
    /// </summary>
    public TimeSpan UnservedDelayAfter(long deliveries)
    {
        var doublings = (int)Math.Clamp(deliveries - 1, 0, 30);
        var ticks = UnservedDelay.Ticks;
        for (var i = 0; i < doublings && ticks < MaxUnservedDelay.Ticks; i++)
        {
            ticks *= 2;
        }

        return TimeSpan.FromTicks(Math.Min(ticks, MaxUnservedDelay.Ticks));
    }

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

        if (UnservedDelay <= TimeSpan.Zero || MaxUnservedDelay < UnservedDelay)
        {
            yield return $"{section}:UnservedDelay must be positive and MaxUnservedDelay at least UnservedDelay (got {UnservedDelay} and {MaxUnservedDelay}).";
        }

        if (MinBackoff <= TimeSpan.Zero || MaxBackoff < MinBackoff)
        {
            yield return $"{section}:MinBackoff must be positive and MaxBackoff at least MinBackoff (got {MinBackoff} and {MaxBackoff}).";
        }
    }
}
