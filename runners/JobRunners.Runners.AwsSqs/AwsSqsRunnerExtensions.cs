using Amazon.SQS;
using JobRunners.Runners.AwsSqs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners;

/// <summary>Registers the Amazon SQS runner.</summary>
public static class AwsSqsRunnerExtensions
{
    /// <summary>
    /// Makes <c>JOB_RUNNER=aws-sqs</c> available: jobs and tasks are sent to an SQS queue (standard or FIFO) and a
    /// long-polling worker runs them where the worker is enabled. Settings live under <c>JobRunners:AwsSqs</c>
    /// (<c>QueueUrl</c>, <c>Region</c>, <c>ServiceUrl</c>, <c>DeadLetterQueueUrl</c>, credentials, <c>Worker</c>),
    /// each also readable by its flat name such as <c>JOBRUNNERS_SQS_QUEUE_URL</c> or <c>AWS_REGION</c>. When the
    /// application registered an <see cref="IAmazonSQS"/> (for example with <c>AddAWSService&lt;IAmazonSQS&gt;()</c>),
    /// the runner uses that client for every call and needs only <c>QueueUrl</c>.
    /// </summary>
    /// <param name="builder">The JobRunners builder.</param>
    /// <param name="configure">Changes the settings after they are read from configuration.</param>
    /// <returns>The builder.</returns>
    public static JobRunnersBuilder AddAwsSqsRunner(this JobRunnersBuilder builder, Action<AwsSqsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRunner<AwsSqsTransport>(
            AwsSqsTransport.RunnerName,
            services =>
            {
                var options = builder.AddRunnerOptions<AwsSqsOptions>(AwsSqsTransport.RunnerName, AwsSqsOptions.SectionName, AwsSqsSettings.ApplyFlatNames, CheckSettings);
                if (configure is not null)
                {
                    options.Configure(configure);
                }

                // The application's own IAmazonSQS (AddAWSService<IAmazonSQS>() and the like) wins over the settings.
                services.TryAddSingleton(sp => new SqsQueue(
                    sp.GetRequiredService<IOptions<AwsSqsOptions>>(),
                    sp.GetRequiredService<ILogger<SqsQueue>>(),
                    sp.GetService<IAmazonSQS>()));
            },
            services =>
            {
                services.TryAddSingleton<AwsSqsWorker>();
                services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AwsSqsWorker>());
            });
    }

    // The settings are checked whenever the options are built. Finding credentials depends on the machine, not the
    // settings, so the runner's own check (SqsQueue.Check) makes it when the runner is built; but once a setting
    // is unusable, the report is that whole check, so the start names every problem at once.
    private static IEnumerable<MissingSetting> CheckSettings(IServiceProvider services, AwsSqsOptions options)
    {
        var appClient = services.GetService<IAmazonSQS>();
        if (AwsSqsSettings.Check(options, clientSupplied: appClient is not null).Count == 0)
        {
            return [];
        }

        using var queue = new SqsQueue(Options.Create(options), services.GetRequiredService<ILogger<SqsQueue>>(), appClient);
        return queue.Check(AwsSqsTransport.RunnerName).Missing;
    }
}
