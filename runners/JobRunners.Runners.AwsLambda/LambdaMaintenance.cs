using JobRunners.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// One maintenance round for a scheduled invocation (EventBridge), for deployments without a long-running host:
/// rescues rows whose worker died (lapsed lease), hands due undispatched rows to the runner (the outbox, which is
/// what re-invokes retried and delayed jobs) and re-sends rows whose invocation was lost (see
/// <see cref="AwsLambdaRedelivery"/>). A long-running host does the same every
/// <c>JobRunners:MaintenanceInterval</c> and also prunes.
/// </summary>
internal static class LambdaMaintenance
{
    public static async Task<(int Rescued, int Resent, int Left, int Redelivered)> RunAsync(LambdaFunctionContext context, CancellationToken cancellationToken)
    {
        var store = context.Services.GetRequiredService<IJobStore>();
        var settings = context.Services.GetRequiredService<IOptions<JobRunnersOptions>>().Value;
        var now = context.Time.GetUtcNow();
        var outbox = context.Runner as JobRunnerBase;
        var sweep = await store.SweepAsync(new SweepRequest { UndispatchedBefore = outbox is null ? null : now - settings.OutboxGrace }, cancellationToken).ConfigureAwait(false);
        var rescued = sweep.Rescued;
        foreach (var row in rescued)
        {
            context.Logger.LogWarning("Job {JobId} ({JobType}) lost its worker mid-attempt and was {Status}.", row.Id, row.JobType, row.Status == JobStatus.Queued ? "queued again" : "failed");
        }

        if (outbox is not { } runner)
        {
            return (rescued.Count, 0, 0, 0);
        }

        // Rescued rows that are queued again have no dispatched_at: the outbox hands them over with the others.
        var pending = rescued.Where(r => r.Status == JobStatus.Queued).Concat(sweep.Undispatched).ToList();
        var sent = 0;
        foreach (var row in pending)
        {
            try
            {
                await runner.RedispatchAsync(row, cancellationToken).ConfigureAwait(false);
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The backend is failing: the rest stay queued for the next round rather than each failing in turn.
                context.Logger.LogWarning(ex, "The outbox could not re-send job {JobId} ({JobType}) to {Runner}; it stays queued for the next round.", row.Id, row.JobType, runner.Name);
                break;
            }
        }

        var redelivered = runner is AwsLambdaJobRunner lambda ? await AwsLambdaRedelivery.RunOnceAsync(lambda, context.Logger, cancellationToken).ConfigureAwait(false) : 0;
        return (rescued.Count, sent, pending.Count - sent, redelivered);
    }
}
