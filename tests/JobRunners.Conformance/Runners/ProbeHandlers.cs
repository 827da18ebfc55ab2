
namespace JobRunners.Conformance;

/// <summary>The kit's probe handlers and their names.</summary>
public static class ProbeHandlers
{
    /// <summary>A task that counts its runs.</summary>
    public const string CountTask = "kit.count";

    /// <summary>A task that always throws.</summary>
    public const string FailingTask = "kit.failing-task";

    /// <summary>A job that succeeds with a result message.</summary>
    public const string OkJob = "kit.ok";

    /// <summary>A job that fails on every attempt.</summary>
    public const string FailingJob = "kit.always-fails";

    /// <summary>A job that fails until its attempt number reaches the payload's count.</summary>
    public const string FlakyJob = "kit.flaky";

    /// <summary>A job that reports progress, then reads its own row back.</summary>
    public const string ProgressJob = "kit.progress";

    /// <summary>A job that dispatches <see cref="OkJob"/> from inside itself.</summary>
    public const string ParentJob = "kit.parent";

    /// <summary>
    /// A job whose first attempt throws an <see cref="OperationCanceledException"/> that is not the job's own
    /// cancellation (as an <c>HttpClient</c> timeout does); later attempts succeed.
    /// </summary>
    public const string TimesOutOnceJob = "kit.times-out-once";

    /// <summary>
    /// A job whose first run holds until its cancellation token fires (a stopping worker), reporting through
    /// <see cref="Probes.Holding"/> that it is running; later runs succeed at once.
    /// </summary>
    public const string HoldsFirstRunJob = "kit.holds-first-run";

    /// <summary>A job that records the trace current in each attempt and fails until its attempt reaches the payload's count.</summary>
    public const string TracedJob = "kit.traced";

    /// <summary>A job that runs until its <see cref="CancellationToken"/> fires, then records that it stopped.</summary>
    public const string HoldsUntilCancelledJob = "kit.holds-until-cancelled";

    /// <summary>A job that fails every attempt until an operator retried it (<see cref="JobRequest.Retries"/> above 0), then succeeds.</summary>
    public const string FailsUntilRetriedJob = "kit.fails-until-retried";

    /// <summary>A task that records the trace current in its run.</summary>
    public const string TracedTask = "kit.traced-task";

    /// <summary>Registers every probe on the builder.</summary>
    public static JobRunnersBuilder AddProbes(this JobRunnersBuilder jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var fastRetry = new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200), Jitter = 0 };
        return jobs
            .AddTask<ProbePayload>(CountTask, (p, _, _) =>
            {
                Probes.Ran(p.Key);
                return ValueTask.CompletedTask;
            })
            .AddTask<ProbePayload>(TracedTask, (p, _, _) =>
            {
                Probes.SawTrace(p.Key, System.Diagnostics.Activity.Current?.TraceId.ToString());
                Probes.Ran(p.Key);
                return ValueTask.CompletedTask;
            })
            .AddJob<ProbePayload>(TracedJob, (p, context, _) =>
            {
                Probes.SawTrace(p.Key, System.Diagnostics.Activity.Current?.TraceId.ToString());
                Probes.Ran(p.Key);
                return context.Attempt < p.Count
                    ? throw new TimeoutException($"attempt {context.Attempt} timed out")
                    : ValueTask.CompletedTask;
            }, o => o.Retry = fastRetry)
            .AddTask<ProbePayload>(FailingTask, (p, _, _) => throw new InvalidOperationException($"probe task {p.Key} failed"))
            .AddJob<ProbePayload>(OkJob, (p, context, _) =>
            {
                Probes.Ran(p.Key);
                context.SetResult($"ok {p.Key}");
                return ValueTask.CompletedTask;
            })
            .AddJob<ProbePayload>(FailingJob, (p, _, _) =>
            {
                Probes.Ran(p.Key);
                throw new InvalidOperationException($"probe job {p.Key} always fails");
            }, o => o.Retry = fastRetry)
            .AddJob<ProbePayload>(FlakyJob, (p, context, _) =>
            {
                Probes.Ran(p.Key);
                return context.Attempt < p.Count
                    ? throw new TimeoutException($"attempt {context.Attempt} timed out")
                    : ValueTask.CompletedTask;
            }, o => o.Retry = fastRetry)
            .AddJob<ProbePayload>(TimesOutOnceJob, (p, context, _) =>
            {
                Probes.Ran(p.Key);
                return context.Attempt < 2
                    ? throw new TaskCanceledException($"probe job {p.Key}: the request was canceled due to the configured HttpClient.Timeout elapsing")
                    : ValueTask.CompletedTask;
            }, o => o.Retry = fastRetry)
            .AddJob<ProbePayload>(HoldsFirstRunJob, async (p, context, ct) =>
            {
                if (Probes.Ran(p.Key) == 1)
                {
                    Probes.Hold(p.Key);
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
                }

                context.SetResult($"ok {p.Key}");
            })
            .AddJob<ProbePayload>(HoldsUntilCancelledJob, async (p, _, ct) =>
            {
                Probes.Ran(p.Key);
                Probes.Hold(p.Key);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
                }
                finally
                {
                    Probes.Stop(p.Key);
                }
            })
            .AddJob<ProbePayload, FailsUntilRetriedHandler>(FailsUntilRetriedJob, o => o.Retry = new RetryPolicy { MaxAttempts = 1 })
            .AddJob<ProbePayload, ProgressProbeHandler>(ProgressJob)
            .AddJob<ProbePayload>(ParentJob, async (p, context, ct) =>
            {
                var child = await context.Runner.DispatchJobAsync(OkJob, new ProbePayload(p.Key + ".child"), cancellationToken: ct).ConfigureAwait(false);
                context.SetResult(child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            });
    }

    /// <summary>Fails until its row says an operator retried it.</summary>
    internal sealed class FailsUntilRetriedHandler(IJobStore store) : IJobHandler<ProbePayload>
    {
        public async ValueTask HandleAsync(ProbePayload payload, IJobContext context, CancellationToken cancellationToken)
        {
            Probes.Ran(payload.Key);
            var row = await store.GetAsync(context.JobId, cancellationToken).ConfigureAwait(false);
            if (row is not { Retries: > 0 })
            {
                throw new InvalidOperationException($"probe job {payload.Key} fails until an operator retries it");
            }

            context.SetResult($"ok after {row.Retries} retry");
        }
    }

    /// <summary>Reports progress, then reads its own row back from the store so the test can see it mid-run.</summary>
    internal sealed class ProgressProbeHandler(IJobStore store) : IJobHandler<ProbePayload>
    {
        public async ValueTask HandleAsync(ProbePayload payload, IJobContext context, CancellationToken cancellationToken)
        {
            await context.ReportProgressAsync(40, "forty percent", cancellationToken).ConfigureAwait(false);
            var row = await store.GetAsync(context.JobId, cancellationToken).ConfigureAwait(false);
            if (row is not null)
            {
                Probes.Saw(payload.Key, row);
            }

            await context.ReportProgressAsync(80, cancellationToken: cancellationToken).ConfigureAwait(false);
            Probes.Ran(payload.Key);
        }
    }
}
