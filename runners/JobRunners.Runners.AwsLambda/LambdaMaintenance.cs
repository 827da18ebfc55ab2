using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// One maintenance round for a scheduled invocation (EventBridge), for deployments without a long-running host: the
/// same <see cref="JobMaintenance"/> round a host runs every <c>JobRunners:MaintenanceInterval</c> (rescue lapsed
/// leases, the outbox, which re-invokes retried and delayed jobs, and the reconciler, which re-sends lost invocations
/// and adopts rows another runner accepted), without pruning, which the host's own maintenance does.
/// </summary>
internal static class LambdaMaintenance
{
    public static ValueTask<MaintenanceRound> RunAsync(LambdaFunctionContext context, CancellationToken cancellationToken) =>
        context.Services.GetRequiredService<JobMaintenance>().RunOnceAsync(prune: false, cancellationToken);
}
