using JobRunners.Runners.Synchronous;
using Microsoft.Extensions.DependencyInjection;

namespace JobRunners;

/// <summary>Registers the synchronous runner.</summary>
public static class SynchronousRunnerExtensions
{
    /// <summary>
    /// Makes <c>JOB_RUNNER=sync</c> available: each dispatch runs its work before returning. Setting:
    /// <c>JobRunners:Sync:WaitForBackoff</c>.
    /// </summary>
    public static JobRunnersBuilder AddSynchronousRunner(this JobRunnersBuilder builder, Action<SynchronousOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRunner<SynchronousTransport>(
            SynchronousTransport.RunnerName,
            services =>
            {
                var options = builder.AddRunnerOptions<SynchronousOptions>(SynchronousTransport.RunnerName, SynchronousOptions.SectionName);
                if (configure is not null)
                {
                    options.Configure(configure);
                }
            });
    }
}
