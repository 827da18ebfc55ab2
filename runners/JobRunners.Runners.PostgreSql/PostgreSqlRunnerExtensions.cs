using JobRunners.Runners.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace JobRunners;

/// <summary>Registers the PostgreSQL runner.</summary>
public static class PostgreSqlRunnerExtensions
{
    /// <summary>
    /// Makes <c>JOB_RUNNER=postgres</c> available (also what <c>JOB_RUNNER=legacy</c> maps to without
    /// <c>JOBS_SYNC</c> or <c>JOBS_SAME_PROCESS</c>): the <c>job_request</c> table of the PostgreSQL store
    /// (<c>ConnectionStrings:JobRunners</c>, required) is the queue, and where the worker is enabled this process
    /// claims and runs due rows, woken by LISTEN/NOTIFY. Settings live under <c>JobRunners:PostgreSql</c>
    /// (<c>Concurrency</c>, <c>PollInterval</c>, <c>BatchSize</c>, <c>JobTypes</c>, <c>Queues</c>, <c>Lease</c>,
    /// <c>Listen</c>, <c>Channel</c>, <c>ShutdownTimeout</c>), each also readable by a flat name such as
    /// <c>JOBRUNNERS_POSTGRES_CONCURRENCY</c>. <see cref="PostgreSqlWorkerRunner"/> runs due rows on demand.
    /// </summary>
    /// <param name="builder">The JobRunners builder.</param>
    /// <param name="configure">Changes the settings after they are read from configuration.</param>
    /// <returns>The builder.</returns>
    public static JobRunnersBuilder AddPostgreSqlRunner(this JobRunnersBuilder builder, Action<PostgreSqlRunnerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRunner<PostgreSqlTransport>(
            PostgreSqlTransport.RunnerName,
            services =>
            {
                // The registered names come from the builder, not the registry: building the registry reads the
                // shared settings, which read these (the lease), so it cannot be built while these are checked. The
                // runner's own check adds the connection string, which needs the store.
                var options = builder.AddRunnerOptions<PostgreSqlRunnerOptions>(
                    PostgreSqlTransport.RunnerName,
                    PostgreSqlRunnerOptions.SectionName,
                    PostgreSqlRunnerSettings.ApplyFlatNames,
                    (_, o) => PostgreSqlRunnerSettings.Check(o, [.. builder.JobNames, .. builder.TaskNames]));
                if (configure is not null)
                {
                    options.Configure(configure);
                }

                // The runner's lease is the executor's: one lease per process, for jobs and task rows alike.
                services.AddOptions<JobRunnersOptions>().PostConfigure<IOptions<PostgreSqlRunnerOptions>>((shared, postgres) =>
                {
                    if (postgres.Value.Lease is { } lease)
                    {
                        shared.Lease = lease;
                    }
                });

                services.TryAddSingleton<LocalWakeups>();
                services.TryAddSingleton<PostgreSqlWorkEngine>();
                services.TryAddSingleton(sp => new PostgreSqlWorkerRunner(sp));
            },
            services =>
            {
                services.TryAddSingleton<PostgreSqlWorker>();
                services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<PostgreSqlWorker>());
            });
    }
}
