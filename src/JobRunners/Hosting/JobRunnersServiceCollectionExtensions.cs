using JobRunners.Hosting;
using JobRunners.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners;

/// <summary>Registers JobRunners with a service collection.</summary>
public static class JobRunnersServiceCollectionExtensions
{
    /// <summary>
    /// Adds JobRunners: the registry built by <paramref name="configure"/>, the store chosen from configuration,
    /// the runner chosen by <c>JOB_RUNNER</c> (or <c>JobRunners:Runner</c>), its workers, and maintenance.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">Where settings come from.</param>
    /// <param name="configure">Registers tasks, jobs and runners.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="UnknownRunnerException">The configured runner is not registered; the message lists the known ones.</exception>
    /// <exception cref="RegistrationException">A registration is invalid, such as a duplicate name.</exception>
    public static IServiceCollection AddJobRunners(this IServiceCollection services, IConfiguration configuration, Action<JobRunnersBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(JobRegistry)))
        {
            throw new RegistrationException("AddJobRunners was called twice; register every task, job and runner in one call.");
        }

        var builder = new JobRunnersBuilder(services, configuration);
        configure(builder);

        var (configured, source) = RunnerSelection.ReadConfigured(configuration);
        var name = RunnerSelection.Resolve(configuration, builder.RunnerNames);
        var descriptor = builder.Runners[name];
        var workerEnabled = builder.WorkerEnabled || configuration.GetValue("JobRunners:Worker:Enabled", false);

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<JobRunnersOptions>().Bind(configuration.GetSection(JobRunnersOptions.SectionName));
        services.AddSingleton(new SelectedRunner(name, configured, source, builder.RunnerNames.ToArray(), workerEnabled));
        services.AddSingleton(sp => builder.BuildRegistry(sp.GetRequiredService<IOptions<JobRunnersOptions>>().Value));
        services.AddSingleton(builder.StoreFactory ?? (sp => StoreSelection.Create(configuration, sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton(sp => new JobExecutor(
            sp.GetRequiredService<JobRegistry>(),
            sp.GetRequiredService<IJobStore>(),
            sp,
            sp.GetRequiredService<IOptions<JobRunnersOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<StaleJobHooks>();
        services.AddSingleton(sp => new JobRunnerServices(
            sp.GetRequiredService<JobRegistry>(),
            sp.GetRequiredService<IJobStore>(),
            new Lazy<JobExecutor>(sp.GetRequiredService<JobExecutor>),
            sp.GetRequiredService<IOptions<JobRunnersOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IJobRunner>(sp =>
        {
            var runner = descriptor.Factory(sp);
            var check = runner.CheckConfiguration();
            return check.FullyConfigured ? runner : throw new RunnerNotConfiguredException(check);
        });

        // Startup runs before the runner's own hosted services so migrations and checks come first.
        services.AddHostedService<JobRunnersStartup>();
        descriptor.ConfigureServices?.Invoke(services);
        if (workerEnabled)
        {
            descriptor.ConfigureWorker?.Invoke(services);
        }

        services.AddSingleton(sp => new JobMaintenance(
            sp.GetRequiredService<IJobStore>(),
            sp.GetRequiredService<IJobRunner>(),
            sp.GetRequiredService<JobRegistry>(),
            sp.GetRequiredService<IOptions<JobRunnersOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<JobMaintenance>>(),
            sp.GetRequiredService<StaleJobHooks>()));
        services.AddSingleton<JobMaintenanceService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<JobMaintenanceService>());

        // After startup (migrations) so code-defined schedules can be saved.
        services.AddRecurringScheduling(configuration);
        return services;
    }
}
