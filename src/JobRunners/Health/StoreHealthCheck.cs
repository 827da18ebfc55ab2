using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace JobRunners.Health;

/// <summary>
/// <c>jobrunners-store</c>: the store answers, and holds the schema this code expects. Unhealthy, naming the store and
/// what to do, when it cannot be reached, when migrations are pending, or when a newer release migrated it.
/// </summary>
internal sealed class StoreHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IJobStore store;
        try
        {
            store = services.GetRequiredService<IJobStore>();
        }
        catch (Exception ex) when (ex is ArgumentException or JobRunnerException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"The job store cannot be built: {ex.Message}");
        }

        var name = store.Description;
        var data = new Dictionary<string, object> { ["store"] = name };
        StoreSchemaStatus status;
        try
        {
            status = await store.GetSchemaStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (JobStoreException ex)
        {
            return HealthCheckResult.Unhealthy($"Store {name} is unreachable: {ex.Message}", data: data);
        }

        data["schemaVersion"] = status.FoundVersion;
        data["expectedSchemaVersion"] = status.ExpectedVersion;
        if (status.MigrationsPending && WillMigrateAtStart())
        {
            return HealthCheckResult.Healthy(
                $"Store {name} is reachable at schema version {status.FoundVersion}; the host migrates it to {status.ExpectedVersion} at start (JobRunners:MigrateOnStartup=true).",
                data);
        }

        if (status.MigrationsPending)
        {
            return HealthCheckResult.Unhealthy(
                $"Store {name} is at schema version {status.FoundVersion}, and this code needs {status.ExpectedVersion}: migrations are pending. " +
                "Run `jobrunners migrate`, or start the host with JobRunners:MigrateOnStartup=true (the default) to migrate at start.",
                data: data);
        }

        if (status.NewerThanCode)
        {
            return HealthCheckResult.Unhealthy(
                $"Store {name} is at schema version {status.FoundVersion}, newer than the {status.ExpectedVersion} this code knows: " +
                "a newer release migrated it; upgrade this application.",
                data: data);
        }

        return HealthCheckResult.Healthy($"Store {name} is reachable at schema version {status.FoundVersion}.", data);
    }

    /// <summary>True before this host started when it migrates at start: pending migrations are then expected, not a fault.</summary>
    private bool WillMigrateAtStart()
    {
        var started = services.GetService<IHostApplicationLifetime>()?.ApplicationStarted.IsCancellationRequested ?? false;
        return !started && (services.GetService<IOptions<JobRunnersOptions>>()?.Value.MigrateOnStartup ?? false);
    }
}
