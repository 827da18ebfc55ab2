namespace JobRunners;

/// <summary>The result of <see cref="IJobRunner.CheckConfiguration"/>: whether the runner can work, and what is missing.</summary>
public sealed class RunnerConfiguration
{
    /// <summary>Creates a result for <paramref name="runner"/> with the given missing settings.</summary>
    public RunnerConfiguration(string runner, IReadOnlyList<MissingSetting>? missing = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runner);
        Runner = runner;
        Missing = missing ?? [];
    }

    /// <summary>The runner checked.</summary>
    public string Runner { get; }

    /// <summary>Every setting that is missing or unusable; empty when fully configured.</summary>
    public IReadOnlyList<MissingSetting> Missing { get; }

    /// <summary>True when nothing is missing: the runner can dispatch.</summary>
    public bool FullyConfigured => Missing.Count == 0;

    /// <summary>A result with nothing missing.</summary>
    public static RunnerConfiguration Ok(string runner) => new(runner);

    /// <inheritdoc />
    public override string ToString() => FullyConfigured
        ? $"{Runner}: fully configured"
        : $"{Runner}: missing {string.Join("; ", Missing)}";
}
