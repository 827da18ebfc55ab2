using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Scheduling;

/// <summary>
/// Runs after <c>JobRunnersStartup</c> (which migrates the store): validates the scheduler settings and stores every
/// recurring job defined in code, after checking all of them, so one bad definition stops startup with every problem.
/// </summary>
internal sealed class RecurringJobsStartup : IHostedService
{
    private readonly RecurringJobs _recurringJobs;
    private readonly IScheduleStore _store;
    private readonly IReadOnlyList<RecurringRegistration> _registrations;
    private readonly RecurringSchedulerOptions _options;
    private readonly ILogger<RecurringJobsStartup> _logger;

    public RecurringJobsStartup(
        RecurringJobs recurringJobs,
        IScheduleStore store,
        IEnumerable<RecurringRegistration> registrations,
        IOptions<RecurringSchedulerOptions> options,
        ILogger<RecurringJobsStartup> logger)
    {
        _recurringJobs = recurringJobs;
        _store = store;
        _registrations = registrations.ToList();
        _options = options.Value;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = _options.Validate().ToList();
        var definitions = new List<ScheduleDefinition>();
        foreach (var registration in _registrations)
        {
            try
            {
                definitions.Add(_recurringJobs.Define(registration.Job, definedInCode: true));
            }
            catch (JobRunnerException ex)
            {
                problems.Add($"recurring job '{registration.Job.Tag}': {ex.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new JobRunnerException("Recurring job settings are invalid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }

        foreach (var definition in definitions)
        {
            var result = await _store.UpsertAsync(definition, cancellationToken).ConfigureAwait(false);
            SchedulingLog.RecurringJobStored(_logger, definition.Tag, result.Created ? "created" : "updated", result.Schedule.NextRunAt);
        }

        if (definitions.Count > 0)
        {
            SchedulingLog.RecurringJobsStored(_logger, definitions.Count, string.Join(", ", definitions.Select(d => d.Tag)));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
