using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace JobRunners;

/// <summary>
/// The names under which JobRunners reports traces and metrics, for an application's OpenTelemetry setup:
/// <c>.WithTracing(t => t.AddSource(JobRunnersTelemetry.Name)).WithMetrics(m => m.AddMeter(JobRunnersTelemetry.Name))</c>.
/// One <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <see cref="Name"/>, created once per process;
/// spans and attributes follow the OpenTelemetry messaging semantic conventions (see docs/observability.md).
/// </summary>
public static class JobRunnersTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "JobRunners";

    /// <summary>The <c>messaging.system</c> value of every span.</summary>
    public const string MessagingSystem = "jobrunners";

    /// <summary>The version of this library, reported with the source and the meter.</summary>
    public static string Version { get; } =
        typeof(JobRunnersTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(JobRunnersTelemetry).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>The source of the producer (dispatch) and consumer (execution) spans.</summary>
    internal static ActivitySource Source { get; } = new(Name, Version);

    /// <summary>The meter of every JobRunners instrument.</summary>
    internal static Meter Meter { get; } = new(Name, Version);
}
