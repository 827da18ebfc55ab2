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

    /// <summary>The problems as sentences, for the worker's own start check.</summary>
    internal IEnumerable<string> Validate() => Check().Select(problem => $"{problem.Name} {problem.Reason}");

    /// <summary>Every unusable value, by setting name: what the options check reports when the host starts.</summary>
    internal List<MissingSetting> Check()
    {
        var problems = new List<MissingSetting>();
        if (Workers < 1)
        {
            problems.Add(new MissingSetting($"{SectionName}:Workers", $"must be at least 1 (got {Workers})."));
        }

        if (Capacity < 1)
        {
            problems.Add(new MissingSetting($"{SectionName}:Capacity", $"must be at least 1 (got {Capacity})."));
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            problems.Add(new MissingSetting($"{SectionName}:ShutdownTimeout", $"must not be negative (got {ShutdownTimeout})."));
        }

        return problems;
    }
}
