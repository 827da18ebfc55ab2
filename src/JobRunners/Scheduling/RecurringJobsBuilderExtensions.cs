using JobRunners.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace JobRunners;

/// <summary>Defines recurring jobs in code, in <c>AddJobRunners</c>.</summary>
public static class RecurringJobsBuilderExtensions
{
    /// <summary>
    /// Defines a recurring job in code: stored (created, or updated in place) when the host starts, after its job
    /// type and payload are checked against the registry. For example
    /// <c>jobs.AddRecurring("nightly-report", "report", new ReportPayload("daily"), Schedule.Cron("0 3 * * *", "Europe/Paris"))</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="tag">The schedule's identity, such as <c>nightly-report</c>.</param>
    /// <param name="jobType">The registered job each run dispatches.</param>
    /// <param name="payload">The payload each run dispatches.</param>
    /// <param name="schedule">When it runs.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidScheduleException">The tag is invalid.</exception>
    /// <exception cref="RegistrationException">A recurring job with this tag is already defined.</exception>
    public static JobRunnersBuilder AddRecurring(this JobRunnersBuilder builder, string tag, string jobType, object payload, Schedule schedule) =>
        builder.AddRecurring(new RecurringJob { Tag = tag, JobType = jobType, Payload = payload, Schedule = schedule });

    /// <summary>
    /// Defines a recurring job in code with every option (start, execution limit, no-overlap, dispatch options).
    /// Stored when the host starts; an existing schedule with the tag keeps its executions, paused state and, while
    /// its timing is unchanged, its next run. The only way to use <see cref="Schedule.Custom"/>.
    /// </summary>
    /// <exception cref="InvalidScheduleException">The tag is invalid.</exception>
    /// <exception cref="RegistrationException">A recurring job with this tag is already defined.</exception>
    public static JobRunnersBuilder AddRecurring(this JobRunnersBuilder builder, RecurringJob job)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(job.Schedule);
        RecurringJobs.ValidateTag(job.Tag);
        var duplicate = builder.Services.Any(d =>
            d.ServiceType == typeof(RecurringRegistration) && d.ImplementationInstance is RecurringRegistration r && r.Job.Tag == job.Tag);
        if (duplicate)
        {
            throw new RegistrationException($"A recurring job tagged '{job.Tag}' is already defined; tags must be unique.");
        }

        builder.Services.AddSingleton(new RecurringRegistration(job));
        return builder;
    }

    /// <summary>Changes the recurring scheduler's settings after they are bound from <c>JobRunners:Scheduler</c>.</summary>
    public static JobRunnersBuilder ConfigureScheduler(this JobRunnersBuilder builder, Action<RecurringSchedulerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Uses a schedule store of your own instead of the one the chosen store brings (always, whichever store call
    /// comes last); pair it with <see cref="JobRunnersBuilder.UseStore(Func{IServiceProvider, Extensibility.IJobStore})"/>
    /// so schedules and job rows share one database.
    /// </summary>
    public static JobRunnersBuilder UseScheduleStore(this JobRunnersBuilder builder, Func<IServiceProvider, IScheduleStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton(factory);
        return builder;
    }
}
