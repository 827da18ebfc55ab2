using JobRunners.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// Re-sends due jobs that are marked dispatched although no invocation will run them. Runs next to the outbox
/// wherever <c>JOB_RUNNER=aws-lambda</c> (every <c>JobRunners:MaintenanceInterval</c>) and in scheduled
/// maintenance. Two cases, both invisible to the outbox, which only looks at rows with no <c>dispatched_at</c>:
/// <list type="bullet">
/// <item><b>A hidden retry.</b> The dispatcher marks a row dispatched only after Lambda answered 202. A fast
/// function can claim the row, fail the attempt and hand the row back to the outbox (clearing
/// <c>dispatched_at</c>) before that mark lands; the late mark then hides the retry. Every legitimate send is of
/// a due row, so a queued row dispatched before its <c>run_at</c> was marked by such a stale write: it is sent
/// as soon as it is due.</item>
/// <item><b>A lost invocation.</b> A 202 means Lambda queued the event, not that it ran: AWS may lose it when the
/// function cannot keep up, discards it after two failed tries (say the function could not reach the store), or
/// drops it past its maximum event age. A row due and unclaimed for <see cref="AwsLambdaOptions.RedeliverAfter"/>
/// since its last send is sent again.</item>
/// </list>
/// A duplicate is harmless: the row's atomic claim lets only one invocation run it.
/// </summary>
internal sealed class AwsLambdaRedelivery : BackgroundService
{
    private readonly AwsLambdaJobRunner _runner;
    private readonly JobRunnersOptions _settings;
    private readonly ILogger<AwsLambdaRedelivery> _logger;

    public AwsLambdaRedelivery(AwsLambdaJobRunner runner, IOptions<JobRunnersOptions> settings, ILogger<AwsLambdaRedelivery> logger)
    {
        _runner = runner;
        _settings = settings.Value;
        _logger = logger;
    }

    /// <summary>One sweep: re-sends every row no invocation will run; returns how many were sent.</summary>
    public static async Task<int> RunOnceAsync(AwsLambdaJobRunner runner, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var now = runner.Clock.GetUtcNow();
        var lostBefore = runner.Options.RedeliverAfter > TimeSpan.Zero ? now - runner.Options.RedeliverAfter : (DateTimeOffset?)null;
        var sent = 0;
        long? afterId = null;
        while (true)
        {
            var page = await runner.Store.ListQueuedAsync(new QueuedQuery { Runner = runner.Name, DueBy = now, AfterId = afterId }, cancellationToken).ConfigureAwait(false);
            foreach (var row in page)
            {
                var (reason, lost) = Reason(row, lostBefore);
                if (reason is null)
                {
                    continue;
                }

                try
                {
                    await runner.RedispatchAsync(row, cancellationToken).ConfigureAwait(false);
                    sent++;

                    // A hidden retry is an expected race with fast functions; a lost invocation deserves attention.
                    logger.Log(lost ? LogLevel.Warning : LogLevel.Information, "Job {JobId} ({JobType}) {Reason}; invoked the function again.", row.Id, row.JobType, reason);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Lambda is refusing now: stop here, the rest are tried next round.
                    logger.LogWarning(ex, "Could not invoke the function again for job {JobId} ({JobType}); trying next round.", row.Id, row.JobType);
                    return sent;
                }
            }

            if (page.Count < new QueuedQuery().Limit)
            {
                return sent;
            }

            afterId = page[^1].Id;
        }
    }

    /// <summary>Why a due, queued row needs a send, or null when an invocation is (or may still be) on its way.</summary>
    private static (string? Reason, bool Lost) Reason(JobRequest row, DateTimeOffset? lostBefore)
    {
        if (row.DispatchedAt is not { } sentAt)
        {
            return (null, false); // the outbox's
        }

        if (sentAt < row.RunAt)
        {
            return ($"was marked dispatched at {sentAt:O}, before it was due at {row.RunAt:O} (a retry hidden by a late dispatch mark)", false);
        }

        return lostBefore is { } before && sentAt <= before
            ? ($"was sent at {sentAt:O} but never ran (the invocation was lost or discarded)", true)
            : (null, false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_settings.MaintenanceInterval, _runner.Clock, stoppingToken).ConfigureAwait(false);
                await RunOnceAsync(_runner, _logger, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A store outage must not stop the host; the next round tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogError(ex, "The Lambda redelivery sweep failed; trying again in {Interval}.", _settings.MaintenanceInterval);
            }
        }
    }
}
