using Azure.Storage.Queues;
using JobRunners.Runners.AzureQueue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners;

/// <summary>Registers the Azure Storage Queue runner.</summary>
public static class AzureQueueRunnerExtensions
{
    /// <summary>
    /// Makes <c>JOB_RUNNER=azure-queue</c> available: jobs and tasks travel through an Azure Storage queue, and a
    /// process with the worker enabled polls it. Settings live under <c>JobRunners:AzureQueue</c>; the connection
    /// string may also come from <c>AZURE_STORAGE_CONNECTION_STRING</c> or <c>ConnectionStrings:AzureStorage</c>,
    /// and the queue name from <c>JOBRUNNERS_AZURE_QUEUE_NAME</c>. When the application registered a
    /// <see cref="QueueServiceClient"/> (built with <c>MessageEncoding = Base64</c>), the runner's queue clients come
    /// from it and no connection string is needed.
    /// </summary>
    /// <param name="builder">The JobRunners builder.</param>
    /// <param name="configure">Changes the settings after they are read from configuration.</param>
    /// <returns>The builder.</returns>
    public static JobRunnersBuilder AddAzureQueueRunner(this JobRunnersBuilder builder, Action<AzureQueueOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRunner<AzureQueueTransport>(
            AzureQueueTransport.RunnerName,
            services =>
            {
                var options = builder.AddRunnerOptions<AzureQueueOptions>(AzureQueueTransport.RunnerName, AzureQueueOptions.SectionName, AzureQueueSettings.ApplyFlatNames, CheckSettings);
                if (configure is not null)
                {
                    options.Configure(configure);
                }

                // The application's own QueueServiceClient (AddQueueServiceClient and the like) wins over the connection string.
                services.TryAddSingleton(sp => new AzureQueueTransport(
                    sp.GetRequiredService<IOptions<AzureQueueOptions>>(),
                    sp.GetRequiredService<ILogger<AzureQueueTransport>>(),
                    sp.GetService<QueueServiceClient>(),
                    sp.GetRequiredService<TimeProvider>()));
            },
            services =>
            {
                services.TryAddSingleton<AzureQueueWorker>();
                services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AzureQueueWorker>());
            });
    }

    // The check the runner itself makes (AzureQueueTransport.Check), on the options being built: settings, and an
    // application client that would not write Base64.
    private static IEnumerable<MissingSetting> CheckSettings(IServiceProvider services, AzureQueueOptions options) =>
        new AzureQueueTransport(Options.Create(options), services.GetRequiredService<ILogger<AzureQueueTransport>>(), services.GetService<QueueServiceClient>()).Check();
}
