namespace JobRunners;

/// <summary>The selected runner is missing settings; startup stops and names every one.</summary>
public sealed class RunnerNotConfiguredException : JobRunnerException
{
    /// <summary>Creates the exception from a configuration check.</summary>
    public RunnerNotConfiguredException(RunnerConfiguration configuration)
        : base(BuildMessage(configuration))
    {
        Configuration = configuration;
    }

    /// <summary>The failed check.</summary>
    public RunnerConfiguration Configuration { get; }

    private static string BuildMessage(RunnerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var lines = configuration.Missing.Select(m => $"  - {m.Name}: {m.Reason}");
        return $"The job runner '{configuration.Runner}' is not fully configured. Set:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}
