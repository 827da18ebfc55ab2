using JobRunners.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace JobRunners.Health;

/// <summary>
/// <c>jobrunners-worker</c>: every polling worker loop of this process began a round within
/// <see cref="JobRunnersHealthOptions.MaxWorkerPollAge"/> (<see cref="WorkerHeartbeat"/>). A loop whose slots are all
/// taken by running attempts does not poll, so it counts as busy, not stuck. Unhealthy too when the selected runner's
/// worker is enabled here and the host started, yet no loop began a round within that threshold.
/// </summary>
internal sealed class WorkerHealthCheck(IServiceProvider services, IOptionsMonitor<JobRunnersHealthOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check());

    private HealthCheckResult Check()
    {
        var heartbeat = services.GetRequiredService<WorkerHeartbeat>();
        var beats = heartbeat.Snapshot();
        var maxAge = options.CurrentValue.MaxWorkerPollAge;
        var now = time.GetUtcNow();
        if (beats.Count == 0)
        {
            // A loop starts a moment after the host reports started: it is late only once the threshold has passed.
            return now - heartbeat.Since > maxAge && ExpectedHere() is { } runner
                ? HealthCheckResult.Unhealthy($"The {runner} worker is enabled in this process and the host has started, but no worker loop has begun a round within {Age(maxAge)}: check the log for a worker that stopped.")
                : HealthCheckResult.Healthy("No worker in this process.");
        }

        var data = new Dictionary<string, object>();
        var stale = new List<string>();
        foreach (var (worker, at, polls) in beats)
        {
            var age = now - at;
            data[worker] = at;
            if (polls && age > maxAge)
            {
                stale.Add($"{worker} last polled {Age(age)} ago");
            }
        }

        var workers = string.Join(", ", beats.Select(beat => beat.Worker));
        if (stale.Count == 0)
        {
            return HealthCheckResult.Healthy($"Worker loops alive: {workers}.", data);
        }

        // A loop with every slot taken waits for one to free before it polls again: busy, not stuck.
        var running = services.GetService<JobExecutor>()?.RunningCount ?? 0;
        if (running > 0)
        {
            return HealthCheckResult.Healthy($"Workers busy: {running} attempt(s) running; {string.Join("; ", stale)}.", data);
        }

        return HealthCheckResult.Unhealthy(
            $"Worker loop stuck: {string.Join("; ", stale)} (threshold {Age(maxAge)}, {JobRunnersHealthOptions.SectionName}:MaxWorkerPollAge), with nothing running; check the log for a worker that stopped.",
            data: data);
    }

    /// <summary>The selected runner when its consuming side should run in this process and the host has started it.</summary>
    private string? ExpectedHere()
    {
        var started = services.GetService<IHostApplicationLifetime>()?.ApplicationStarted.IsCancellationRequested ?? false;
        if (!started)
        {
            return null;
        }

        try
        {
            var selected = services.GetRequiredService<SelectedRunner>();
            var runner = services.GetRequiredService<JobRunnersRegistrations>().Runners[selected.Name];
            return selected.WorkerEnabled && runner.ConfigureWorker is not null ? selected.Name : null;
        }
        catch (UnknownRunnerException)
        {
            return null;
        }
    }

    internal static string Age(TimeSpan age) => age switch
    {
        { TotalHours: >= 1 } => $"{age.TotalHours:0.#} h",
        { TotalMinutes: >= 1 } => $"{age.TotalMinutes:0.#} min",
        _ => $"{Math.Max(0, age.TotalSeconds):0} s",
    };
}
