namespace JobRunners.Runners.InProcess;

/// <summary>Settings of the in-process runner, bound from <c>JobRunners:InProcess</c>.</summary>
public sealed class InProcessOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "JobRunners:InProcess";

    /// <summary>Concurrent executions (default: the processor count).</summary>
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Work items the channel holds before dispatchers wait (back-pressure; default 10,000).</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>How long shutdown waits for running work to finish before interrupting it (default 30 s).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal IEnumerable<string> Validate()
    {
        if (Workers < 1)
        {
            yield return $"{SectionName}:Workers must be at least 1 (got {Workers}).";
        }

        if (Capacity < 1)
        {
            yield return $"{SectionName}:Capacity must be at least 1 (got {Capacity}).";
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            yield return $"{SectionName}:ShutdownTimeout must not be negative (got {ShutdownTimeout}).";
        }
    }
}
