using JobRunners.Registry;
using JobRunners.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Hosting;

/// <summary>
/// Everything every <c>AddJobRunners</c> call registered, accumulated in one object kept in the service collection:
/// a library adds its jobs, the application adds its own, and the container sees one task map, one job map and one
/// set of runners. Nothing here is chosen until the container resolves it.
/// </summary>
internal sealed class JobRunnersRegistrations
{
    private readonly List<Func<JobRunnersOptions, TaskDefinition>> _tasks = [];
    private readonly List<Func<JobRunnersOptions, JobDefinition>> _jobs = [];
    private readonly HashSet<string> _taskNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _jobNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunnerDescriptor> _runners = new(StringComparer.OrdinalIgnoreCase);

    public JobRunnersRegistrations(IConfiguration? configuration) => Configuration = configuration;

    /// <summary>
    /// The configuration of the first call that gave one: where the runner is selected and the store chosen. Null
    /// while only calls without configuration were made (a library adding its jobs first); the container's
    /// <see cref="IConfiguration"/> is used then.
    /// </summary>
    public IConfiguration? Configuration { get; set; }

    public IConfiguration ConfigurationFor(IServiceProvider services) =>
        Configuration ?? services.GetRequiredService<IConfiguration>();

    public IReadOnlyDictionary<string, RunnerDescriptor> Runners => _runners;

    public IReadOnlyCollection<string> JobNames => _jobNames;

    public IReadOnlyCollection<string> TaskNames => _taskNames;

    /// <summary>The job store the last <c>UseStore</c> (or <c>UseSqlite</c>, <c>UsePostgreSql</c>) chose; null when none did.</summary>
    public Func<IServiceProvider, IJobStore>? StoreFactory { get; set; }

    /// <summary>The schedule store in the same database as <see cref="StoreFactory"/>; null for a job store chosen alone.</summary>
    public Func<IServiceProvider, IScheduleStore>? ScheduleStoreFactory { get; set; }

    /// <summary>True when any call asked for the worker (<c>EnableWorker</c>).</summary>
    public bool WorkerEnabled { get; set; }

    public bool TryAddRunner(RunnerDescriptor runner) => _runners.TryAdd(runner.Name, runner);

    public bool TryAddTask(string name, Func<JobRunnersOptions, TaskDefinition> definition)
    {
        if (!_taskNames.Add(name))
        {
            return false;
        }

        _tasks.Add(definition);
        return true;
    }

    public bool TryAddJob(string name, Func<JobRunnersOptions, JobDefinition> definition)
    {
        if (!_jobNames.Add(name))
        {
            return false;
        }

        _jobs.Add(definition);
        return true;
    }

    public JobRegistry BuildRegistry(JobRunnersOptions options) =>
        new(_tasks.Select(t => t(options)), _jobs.Select(j => j(options)));

    /// <summary>Which runner this process uses, read from the configuration now (so late overrides count).</summary>
    /// <exception cref="UnknownRunnerException">The configured runner is not registered, or set but empty.</exception>
    public SelectedRunner Select(IServiceProvider services)
    {
        var configuration = ConfigurationFor(services);
        var (configured, source) = RunnerSelection.ReadConfigured(configuration);
        var name = RunnerSelection.Resolve(configuration, _runners.Keys);
        var workerEnabled = WorkerEnabled || configuration.GetValue("JobRunners:Worker:Enabled", false);
        return new SelectedRunner(_runners[name].Name, configured, source, _runners.Keys.ToArray(), workerEnabled);
    }
}
