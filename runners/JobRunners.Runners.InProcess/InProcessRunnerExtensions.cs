using JobRunners.Runners.InProcess;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace JobRunners;

/// <summary>Registers the in-process runner.</summary>
public static class InProcessRunnerExtensions
{
    /// <summary>
    /// Makes <c>JOB_RUNNER=in-process</c> available (the default runner): a bounded channel and a worker pool in
    /// this process. Settings: <c>JobRunners:InProcess:Workers</c>, <c>Capacity</c>, <c>ShutdownTimeout</c>.
    /// </summary>
    public static JobRunnersBuilder AddInProcessRunner(this JobRunnersBuilder builder, Action<InProcessOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRunner<InProcessTransport>(
            InProcessTransport.RunnerName,
            services =>
            {
                var options = builder.AddRunnerOptions<InProcessOptions>(
                    InProcessTransport.RunnerName,
                    InProcessOptions.SectionName,
                    check: (_, o) => o.Check());
                if (configure is not null)
                {
                    options.Configure(configure);
                }

                services.TryAddSingleton<InProcessQueue>();
                services.AddSingleton<InProcessWorker>();
                services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<InProcessWorker>());
            });
    }
}
