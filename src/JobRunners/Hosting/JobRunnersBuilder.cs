using JobRunners.Hosting;
using JobRunners.Registry;
using JobRunners.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JobRunners;

/// <summary>
/// Collects what <see cref="JobRunnersServiceCollectionExtensions.AddJobRunners"/> registers: tasks and jobs by name,
/// the runners the deployment may choose from, and settings.
/// </summary>
public sealed class JobRunnersBuilder
{
    private readonly List<Func<JobRunnersOptions, TaskDefinition>> _tasks = [];
    private readonly List<Func<JobRunnersOptions, JobDefinition>> _jobs = [];
    private readonly HashSet<string> _taskNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _jobNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunnerDescriptor> _runners = new(StringComparer.OrdinalIgnoreCase);

    internal JobRunnersBuilder(IServiceCollection services, IConfiguration configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The service collection, for runners' own registrations.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The configuration runners read their settings from.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>The registered runner names.</summary>
    public IReadOnlyCollection<string> RunnerNames => _runners.Keys;

    internal Func<IServiceProvider, IJobStore>? StoreFactory { get; private set; }

    internal bool WorkerEnabled { get; private set; }

    internal IReadOnlyDictionary<string, RunnerDescriptor> Runners => _runners;

    /// <summary>Registers a job whose handler class is resolved from dependency injection, in a fresh scope per attempt.</summary>
    /// <exception cref="RegistrationException">The name is empty or already registered.</exception>
    public JobRunnersBuilder AddJob<TPayload, THandler>(string name, Action<JobTypeOptions>? configure = null)
        where THandler : class, IJobHandler<TPayload>
    {
        Services.TryAddScoped<THandler>();
        return AddJobDefinition<TPayload>(name, configure, inScope: true, static (services, payload, context, ct) =>
            services.GetRequiredService<THandler>().HandleAsync(payload, context, ct));
    }

    /// <summary>Registers a job handled by a delegate.</summary>
    /// <exception cref="RegistrationException">The name is empty or already registered.</exception>
    public JobRunnersBuilder AddJob<TPayload>(string name, Func<TPayload, IJobContext, CancellationToken, ValueTask> handler, Action<JobTypeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddJobDefinition<TPayload>(name, configure, inScope: false, (_, payload, context, ct) => handler(payload, context, ct));
    }

    /// <summary>Registers a task whose handler class is resolved from dependency injection, in a fresh scope per run.</summary>
    /// <exception cref="RegistrationException">The name is empty or already registered.</exception>
    public JobRunnersBuilder AddTask<TPayload, THandler>(string name)
        where THandler : class, ITaskHandler<TPayload>
    {
        Services.TryAddScoped<THandler>();
        return AddTaskDefinition<TPayload>(name, inScope: true, static (services, payload, context, ct) =>
            services.GetRequiredService<THandler>().HandleAsync(payload, context, ct));
    }

    /// <summary>Registers a task handled by a delegate.</summary>
    /// <exception cref="RegistrationException">The name is empty or already registered.</exception>
    public JobRunnersBuilder AddTask<TPayload>(string name, Func<TPayload, ITaskContext, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddTaskDefinition<TPayload>(name, inScope: false, (_, payload, context, ct) => handler(payload, context, ct));
    }

    /// <summary>
    /// Registers a runner under a name, selectable with <c>JOB_RUNNER</c>. Only the selected runner's services are added.
    /// </summary>
    /// <param name="name">The name users set in <c>JOB_RUNNER</c>.</param>
    /// <param name="factory">Builds the runner.</param>
    /// <param name="configureServices">Adds what the runner needs when it is selected.</param>
    /// <param name="configureWorker">Adds the consuming side (a hosted worker) when this process also runs workers.</param>
    /// <exception cref="RegistrationException">The name is empty or already registered.</exception>
    public JobRunnersBuilder AddRunner(string name, Func<IServiceProvider, IJobRunner> factory, Action<IServiceCollection>? configureServices = null, Action<IServiceCollection>? configureWorker = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        RequireName(name, "runner");
        if (!_runners.TryAdd(name, new RunnerDescriptor(name, factory, configureServices, configureWorker)))
        {
            throw new RegistrationException($"A runner named '{name}' is already registered.");
        }

        return this;
    }

    /// <summary>Uses a store of your own instead of the one chosen from configuration.</summary>
    public JobRunnersBuilder UseStore(Func<IServiceProvider, IJobStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        StoreFactory = factory;
        return this;
    }

    /// <summary>
    /// Runs the selected runner's consuming side (its worker) in this process too. Runners that execute in process
    /// always do; for queue runners this makes the process a worker. <c>JobRunners:Worker:Enabled=true</c> does the same.
    /// </summary>
    public JobRunnersBuilder EnableWorker(bool enabled = true)
    {
        WorkerEnabled = enabled;
        return this;
    }

    /// <summary>Changes the shared settings after they are bound from configuration.</summary>
    public JobRunnersBuilder Configure(Action<JobRunnersOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    internal JobRegistry BuildRegistry(JobRunnersOptions options) =>
        new(_tasks.Select(t => t(options)), _jobs.Select(j => j(options)));

    private JobRunnersBuilder AddJobDefinition<TPayload>(string name, Action<JobTypeOptions>? configure, bool inScope, Func<IServiceProvider, TPayload, IJobContext, CancellationToken, ValueTask> handler)
    {
        RequireName(name, "job");
        if (!_jobNames.Add(name))
        {
            throw new RegistrationException($"A job named '{name}' is already registered; job names must be unique.");
        }

        var typeOptions = new JobTypeOptions();
        configure?.Invoke(typeOptions);
        var problems = typeOptions.Retry?.Validate($"job '{name}' Retry").ToList() ?? [];
        if (problems.Count > 0)
        {
            throw new RegistrationException(string.Join(" ", problems));
        }

        _jobs.Add(options => new JobDefinition<TPayload>(name, typeOptions, new PayloadBinder<TPayload>("job", name, options.Json), inScope, handler));
        return this;
    }

    private JobRunnersBuilder AddTaskDefinition<TPayload>(string name, bool inScope, Func<IServiceProvider, TPayload, ITaskContext, CancellationToken, ValueTask> handler)
    {
        RequireName(name, "task");
        if (!_taskNames.Add(name))
        {
            throw new RegistrationException($"A task named '{name}' is already registered; task names must be unique.");
        }

        _tasks.Add(options => new TaskDefinition<TPayload>(name, new PayloadBinder<TPayload>("task", name, options.Json), inScope, handler));
        return this;
    }

    private static void RequireName(string name, string kind)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new RegistrationException($"A {kind} name must not be empty.");
        }
    }
}
