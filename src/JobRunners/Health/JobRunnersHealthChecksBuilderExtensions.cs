using JobRunners.Health;
using JobRunners.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace JobRunners;

/// <summary>Adds the JobRunners health checks to <c>services.AddHealthChecks()</c>.</summary>
public static class JobRunnersHealthChecksBuilderExtensions
{
    /// <summary>The store answers at the schema version the code expects.</summary>
    public const string StoreCheck = "jobrunners-store";

    /// <summary>The selected runner is configured and its backend answers.</summary>
    public const string BackendCheck = "jobrunners-backend";

    /// <summary>This process's worker loops poll.</summary>
    public const string WorkerCheck = "jobrunners-worker";

    /// <summary>No queue's due jobs, and no outbox row, wait past the thresholds.</summary>
    public const string BacklogCheck = "jobrunners-backlog";

    /// <summary>The tag on every JobRunners check.</summary>
    public const string Tag = "jobrunners";

    /// <summary>
    /// Adds four checks, tagged <c>jobrunners</c>: <c>jobrunners-store</c> and <c>jobrunners-backend</c> (also tagged
    /// <c>ready</c>; Unhealthy when the store or the backend cannot be used), <c>jobrunners-worker</c> (tagged
    /// <c>live</c>; Unhealthy when a worker loop of this process stopped polling), and <c>jobrunners-backlog</c>
    /// (Degraded when jobs or outbox rows wait past the thresholds). Thresholds bind from <c>JobRunners:Health</c>;
    /// <paramref name="configure"/> changes them after.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Changes the thresholds.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddJobRunners(this IHealthChecksBuilder builder, Action<JobRunnersHealthOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new WorkerHeartbeat(sp.GetRequiredService<TimeProvider>()));
        var options = services.AddOptions<JobRunnersHealthOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JobRunnersHealthOptions>, BindHealthOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobRunnersHealthOptions>, ValidateHealthOptions>());
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return builder
            .Add(new HealthCheckRegistration(StoreCheck, sp => new StoreHealthCheck(sp), null, [Tag, "ready"]))
            .Add(new HealthCheckRegistration(BackendCheck, sp => new BackendHealthCheck(sp), null, [Tag, "ready"]))
            .Add(new HealthCheckRegistration(WorkerCheck, sp => ActivatorUtilities.CreateInstance<WorkerHealthCheck>(sp), null, [Tag, "live"]))
            .Add(new HealthCheckRegistration(BacklogCheck, sp => ActivatorUtilities.CreateInstance<BacklogHealthCheck>(sp), HealthStatus.Degraded, [Tag]));
    }

    /// <summary>Binds the thresholds from the configuration JobRunners reads (the container's when none was given).</summary>
    private sealed class BindHealthOptions(IServiceProvider services) : IConfigureOptions<JobRunnersHealthOptions>
    {
        public void Configure(JobRunnersHealthOptions options)
        {
            var configuration = services.GetService<JobRunnersRegistrations>()?.Configuration ?? services.GetService<IConfiguration>();
            configuration?.GetSection(JobRunnersHealthOptions.SectionName).Bind(options);
        }
    }

    private sealed class ValidateHealthOptions : IValidateOptions<JobRunnersHealthOptions>
    {
        public ValidateOptionsResult Validate(string? name, JobRunnersHealthOptions options)
        {
            var problems = options.Validate().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
