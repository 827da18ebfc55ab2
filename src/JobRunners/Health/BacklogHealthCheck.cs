using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace JobRunners.Health;

/// <summary>
/// <c>jobrunners-backlog</c>: Degraded, naming each queue and its age, when a queue's oldest due job has waited past
/// <see cref="JobRunnersHealthOptions.MaxOldestDueWait"/> or a due row has waited for the outbox past
/// <see cref="JobRunnersHealthOptions.MaxOutboxAge"/>. One statement (<see cref="IJobStore.GetQueueStatsAsync"/>).
/// An unreachable store is the store check's to report: here it is Degraded, not Unhealthy.
/// </summary>
internal sealed class BacklogHealthCheck(IServiceProvider services, IOptionsMonitor<JobRunnersHealthOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<QueueStats> queues;
        try
        {
            queues = await services.GetRequiredService<IJobStore>().GetQueueStatsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (JobStoreException ex) when (ex.SchemaMissing)
        {
            return HealthCheckResult.Healthy("No queued jobs: the store has no schema yet (see jobrunners-store).");
        }
        catch (Exception ex) when (ex is JobRunnerException or ArgumentException or InvalidOperationException)
        {
            return HealthCheckResult.Degraded($"The backlog cannot be read: {ex.Message}");
        }

        var limits = options.CurrentValue;
        var now = time.GetUtcNow();
        var problems = new List<string>();
        var data = new Dictionary<string, object>();
        foreach (var queue in queues)
        {
            data[queue.QueueName] = $"queued {queue.Queued}, due {queue.Due}, undispatched {queue.Undispatched}";
            if (queue.OldestDueAt is { } due && now - due > limits.MaxOldestDueWait)
            {
                problems.Add($"queue '{queue.QueueName}': the oldest due job has waited {WorkerHealthCheck.Age(now - due)} ({queue.Due} due; threshold {WorkerHealthCheck.Age(limits.MaxOldestDueWait)})");
            }

            if (queue.OldestUndispatchedSince is { } since && now - since > limits.MaxOutboxAge)
            {
                problems.Add($"queue '{queue.QueueName}': {queue.Undispatched} row(s) wait for the outbox, the oldest for {WorkerHealthCheck.Age(now - since)} (threshold {WorkerHealthCheck.Age(limits.MaxOutboxAge)}): the backend refuses sends or maintenance does not run");
            }
        }

        if (problems.Count > 0)
        {
            return HealthCheckResult.Degraded($"Backlog: {string.Join("; ", problems)}.", data: data);
        }

        return HealthCheckResult.Healthy(
            queues.Count == 0 ? "No queued jobs." : $"{queues.Sum(queue => queue.Queued)} queued job(s) in {queues.Count} queue(s), {queues.Sum(queue => queue.Due)} due, none waiting past the thresholds.",
            data);
    }
}
