using JobRunners.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JobRunners.Health;

/// <summary>
/// <c>jobrunners-backend</c>: the selected runner is fully configured and its backend answers
/// (<see cref="IJobTransport.CheckHealthAsync"/>). Unhealthy with the backend's own error otherwise.
/// </summary>
internal sealed class BackendHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        SelectedRunner selected;
        IJobTransport transport;
        try
        {
            selected = services.GetRequiredService<SelectedRunner>();

            // The dispatcher is built only for a fully configured runner: its error lists every missing setting.
            services.GetRequiredService<JobDispatcher>();
            transport = services.GetRequiredService<JobRunnersRegistrations>().Runners[selected.Name].Transport(services);
        }
        catch (Exception ex) when (ex is JobRunnerException or ArgumentException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"The runner cannot be used: {ex.Message}");
        }

        var data = new Dictionary<string, object> { ["runner"] = selected.Name };
        TransportHealth health;
        try
        {
            health = await transport.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A transport should answer Unreachable rather than throw; one that throws is reported the same way.
            return HealthCheckResult.Unhealthy($"Runner {selected.Name}: the backend check failed: {ex.Message}", data: data);
        }

        return health.Reachable
            ? HealthCheckResult.Healthy($"Runner {selected.Name}: {health.Description}", data)
            : HealthCheckResult.Unhealthy($"Runner {selected.Name}: {health.Description}", data: data);
    }
}
