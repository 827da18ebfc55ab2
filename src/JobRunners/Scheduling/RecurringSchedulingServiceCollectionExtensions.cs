using JobRunners.Hosting;
using JobRunners.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace JobRunners;

/// <summary>Registers recurring jobs: the schedule store, <see cref="IRecurringJobs"/>, and the hosted scheduler.</summary>
internal static class RecurringSchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Adds recurring scheduling; called by <c>AddJobRunners</c> after its own hosted services, so the store is
    /// migrated before recurring jobs defined in code are stored. Safe to call twice.
    /// </summary>
    internal static IServiceCollection AddRecurringScheduling(this IServiceCollection services, JobRunnersRegistrations registrations)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registrations);
        if (services.Any(d => d.ServiceType == typeof(RecurringScheduler)))
        {
            return services;
        }

        services.AddOptions<RecurringSchedulerOptions>().Configure<IServiceProvider>((options, sp) =>
            registrations.ConfigurationFor(sp).GetSection(RecurringSchedulerOptions.SectionName).Bind(options));
        services.TryAddSingleton<IScheduleStore>(sp => registrations.ScheduleStoreFactory?.Invoke(sp)
            ?? new MissingScheduleStore(Describe(sp.GetRequiredService<IJobStore>())));
        services.TryAddSingleton<ScheduleChanges>();
        services.TryAddSingleton<RecurringJobs>();
        services.TryAddSingleton<IRecurringJobs>(sp => sp.GetRequiredService<RecurringJobs>());
        services.TryAddSingleton<ScheduleRunDispatcher>();
        services.AddSingleton<RecurringScheduler>();
        services.AddHostedService<RecurringJobsStartup>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RecurringScheduler>());
        return services;
    }

    private static string Describe(IJobStore jobStore) => $"{jobStore.GetType().Name}, {jobStore.Name}";
}
