using System.Globalization;

namespace JobRunners.Cli.Demo;

/// <summary>The sample tasks and jobs the demo (and `jobrunners dispatch`) can use.</summary>
internal static class DemoJobs
{
    public const string Greet = "greet";
    public const string ResizeImages = "resize-images";
    public const string SyncInventory = "sync-inventory";
    public const string ChargeCard = "charge-card";
    public const string NightlyReport = "nightly-report";
    public const string SendEmail = "send-email";

    /// <summary>The payload type of a demo job or task, for masking its <see cref="SensitiveAttribute"/> members; null for other names.</summary>
    public static Type? PayloadTypeOf(string name) => name switch
    {
        Greet => typeof(GreetPayload),
        ResizeImages => typeof(ResizeImagesPayload),
        SyncInventory => typeof(SyncInventoryPayload),
        ChargeCard => typeof(ChargeCardPayload),
        NightlyReport => typeof(NightlyReportPayload),
        SendEmail => typeof(SendEmailPayload),
        _ => null,
    };

    public static JobRunnersBuilder AddDemoJobs(this JobRunnersBuilder jobs)
    {
        var quickRetry = new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(400), MaxDelay = TimeSpan.FromSeconds(2), Jitter = 0.1 };
        return jobs
            .AddJob<GreetPayload>(Greet, (p, context, _) =>
            {
                context.SetResult($"Hello, {p.Name}!");
                return ValueTask.CompletedTask;
            })
            .AddJob<ResizeImagesPayload>(ResizeImages, async (p, context, ct) =>
            {
                for (var i = 1; i <= p.Images; i++)
                {
                    await Task.Delay(p.MillisecondsPerImage, ct).ConfigureAwait(false);
                    await context.ReportProgressAsync(i * 100 / p.Images, $"resized {i} of {p.Images}", ct).ConfigureAwait(false);
                }
            })
            .AddJob<SyncInventoryPayload>(SyncInventory, (p, context, _) =>
            {
                if (context.Attempt <= p.FailingAttempts)
                {
                    throw new TimeoutException($"warehouse {p.Warehouse} did not answer (attempt {context.Attempt})");
                }

                context.SetResult($"synced {p.Warehouse} on attempt {context.Attempt}");
                return ValueTask.CompletedTask;
            }, o => o.Retry = quickRetry)
            .AddJob<ChargeCardPayload>(ChargeCard, (p, context, _) =>
            {
                // Declined until an operator retries the job (`jobrunners jobs retry ID`, or the dashboard's button).
                if (context.Retries == 0)
                {
                    throw new InvalidOperationException($"card ending {p.CardLast4} was declined for {p.Amount.ToString("0.00", CultureInfo.InvariantCulture)}");
                }

                context.SetResult($"charged {p.Amount.ToString("0.00", CultureInfo.InvariantCulture)} to the card ending {p.CardLast4} after an operator's retry");
                return ValueTask.CompletedTask;
            }, o => o.Retry = quickRetry)
            .AddJob<NightlyReportPayload>(NightlyReport, async (p, context, ct) =>
            {
                var followUp = await context.Runner.DispatchJobAsync(Greet, new GreetPayload($"report {p.Day}"), cancellationToken: ct).ConfigureAwait(false);
                context.SetResult($"report for {p.Day} built; follow-up job {followUp.Id.ToString(CultureInfo.InvariantCulture)}");
            })
            .AddTask<SendEmailPayload>(SendEmail, (p, context, _) =>
            {
                DemoLog.EmailSent(context.Logger, p.To, p.Subject);
                return ValueTask.CompletedTask;
            });
    }
}
