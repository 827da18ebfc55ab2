using JobRunners.Hosting;
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
    /// Adds JobRunners: tasks, jobs and runners registered by <paramref name="configure"/>, the store it chooses
    /// (<c>jobs.UseSqlite()</c> or <c>jobs.UsePostgreSql()</c>, from the store packages; a host with none stops at
    /// start), the runner chosen by <c>JOB_RUNNER</c> (or <c>JobRunners:Runner</c>), its workers, and
    /// maintenance. Call it as often as you like: every call adds to the same registrations (a library adds its jobs,
    /// the application its own). Nothing is chosen or checked here: the runner is selected from configuration when
    /// the container first needs it, and an unknown runner or a missing setting stops the host at start, before any
    /// hosted service runs.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">Where settings come from; the first call's configuration selects the runner.</param>
    /// <param name="configure">Registers tasks, jobs and runners.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="RegistrationException">A registration is invalid, such as a duplicate name.</exception>
    public static IServiceCollection AddJobRunners(this IServiceCollection services, IConfiguration configuration, Action<JobRunnersBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, configuration, configure);
    }

    /// <summary>
    /// Adds JobRunners registrations without naming a configuration: what a library calls to add its tasks and jobs.
    /// The runner is chosen from the configuration another call gives, or else from the container's
    /// <see cref="IConfiguration"/>. See <see cref="AddJobRunners(IServiceCollection, IConfiguration, Action{JobRunnersBuilder})"/>.
    /// </summary>
    public static IServiceCollection AddJobRunners(this IServiceCollection services, Action<JobRunnersBuilder> configure) =>
        Add(services, null, configure);

    /// <summary>
    /// Adds JobRunners to a host: <c>builder.AddJobRunners(jobs => jobs.AddInProcessRunner().AddJob(...))</c>, with
    /// the host's configuration (so later configuration sources, such as a test's overrides, still choose the runner).
    /// See <see cref="AddJobRunners(IServiceCollection, IConfiguration, Action{JobRunnersBuilder})"/>.
    /// </summary>
    public static TBuilder AddJobRunners<TBuilder>(this TBuilder builder, Action<JobRunnersBuilder> configure)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddJobRunners(builder.Configuration, configure);
        return builder;
    }

    private static IServiceCollection Add(IServiceCollection services, IConfiguration? configuration, Action<JobRunnersBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        configuration ??= services.LastOrDefault(d => d.ServiceType == typeof(IConfiguration) && !d.IsKeyedService)?.ImplementationInstance as IConfiguration;
        var registrations = services.FirstOrDefault(d => d.ServiceType == typeof(JobRunnersRegistrations))?.ImplementationInstance as JobRunnersRegistrations;
        if (registrations is null)
        {
            registrations = new JobRunnersRegistrations(configuration);
            AddCore(services, registrations);
        }

        registrations.Configuration ??= configuration;
        configure(new JobRunnersBuilder(services, configuration ?? registrations.Configuration, registrations));
        return services;
    }

    private static void AddCore(IServiceCollection services, JobRunnersRegistrations registrations)
    {
        services.AddSingleton(registrations);
        services.AddLogging();
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<JobRunnersOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<JobRunnersOptions>>(sp => new BindFromRegistrations<JobRunnersOptions>(registrations, sp, JobRunnersOptions.SectionName, readFlatNames: null));
        services.AddSingleton<IOptionsChangeTokenSource<JobRunnersOptions>>(sp => new ReloadFromRegistrations<JobRunnersOptions>(registrations, sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobRunnersOptions>, JobRunnersOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<JobRunnersRegistrations>().Select(sp));
        services.TryAddSingleton(sp => sp.GetRequiredService<JobRunnersRegistrations>().BuildRegistry(sp.GetRequiredService<IOptions<JobRunnersOptions>>().Value));
        services.AddOptions<StoreStartupCheck>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreStartupCheck>, StoreStartupCheckValidator>());
        services.AddOptions<RunnerStartupCheck>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RunnerStartupCheck>, RunnerStartupCheckValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<JobRunnersRegistrations>().StoreFactory?.Invoke(sp) ?? throw NoStoreChosen());
        services.TryAddSingleton(sp => new JobExecutor(
            sp.GetRequiredService<JobRegistry>(),
            sp.GetRequiredService<IJobStore>(),
            sp,
            sp.GetRequiredService<IOptions<JobRunnersOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<WorkerHeartbeat>()));
        services.TryAddSingleton<StaleJobHooks>();
        services.TryAddSingleton(sp => new WorkerHeartbeat(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var selected = sp.GetRequiredService<SelectedRunner>();
            var transport = sp.GetRequiredService<JobRunnersRegistrations>().Runners[selected.Name].Transport(sp);
            var dispatcher = new JobDispatcher(
                selected.Name,
                transport,
                sp.GetRequiredService<JobRegistry>(),
                sp.GetRequiredService<IJobStore>(),
                sp.GetRequiredService<IOptions<JobRunnersOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<JobDispatcher>>());
            var check = dispatcher.CheckConfiguration();
            return check.FullyConfigured ? dispatcher : throw new RunnerNotConfiguredException(check);
        });
        services.TryAddSingleton<IJobRunner>(sp => sp.GetRequiredService<JobDispatcher>());
        services.TryAddSingleton<IJobMonitor>(sp => new Monitoring.JobMonitor(
            sp.GetRequiredService<IJobStore>(),
            sp.GetRequiredService<JobDispatcher>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Monitoring.JobMonitor>>()));

        // Startup runs before the runners' hosted services (added by the runners after this) so migrations and
        // checks come first.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, JobRunnersStartup>());
        services.TryAddSingleton(sp => new JobMaintenance(
            sp.GetRequiredService<IJobStore>(),
            sp.GetRequiredService<JobDispatcher>(),
            sp.GetRequiredService<JobRegistry>(),
            sp.GetRequiredService<IOptions<JobRunnersOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<JobMaintenance>>(),
            sp.GetRequiredService<StaleJobHooks>()));
        services.TryAddSingleton<JobMaintenanceService>();
        services.TryAddSingleton<Diagnostics.QueueStatsSampler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Diagnostics.QueueStatsSampler>(sp => sp.GetRequiredService<Diagnostics.QueueStatsSampler>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<JobMaintenanceService>());

        // After startup (migrations) so code-defined schedules can be saved.
        services.AddRecurringScheduling(registrations);
    }

    // Every app picks its store explicitly, so the core ships neither driver (docs/design/composition.md, "Stores").
    private static RegistrationException NoStoreChosen() => new(
        "No job store is chosen: in AddJobRunners, call jobs.UseSqlite() (package JobRunners.Sqlite: one file on this machine) " +
        "or jobs.UsePostgreSql() (package JobRunners.PostgreSql: one database every process shares), or jobs.UseStore(...) for a store of your own.");
}
