using JobRunners.Hosting;
using JobRunners.Registry;
using JobRunners.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace JobRunners;

/// <summary>
/// Collects what <c>AddJobRunners</c> registers: tasks and jobs by name, the runners the deployment may choose from,
/// and settings. Every <c>AddJobRunners</c> call on one service collection adds to the same registrations, so a
/// library can add its jobs and the application its own.
/// </summary>
public sealed class JobRunnersBuilder
{
    private readonly JobRunnersRegistrations _registrations;

    private readonly IConfiguration? _configuration;

    internal JobRunnersBuilder(IServiceCollection services, IConfiguration? configuration, JobRunnersRegistrations registrations)
    {
        Services = services;
        _configuration = configuration;
        _registrations = registrations;
    }

    /// <summary>The service collection, for runners' own registrations.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The configuration this call was given, for a custom runner that reads settings at registration; runners added
    /// with <see cref="AddRunnerOptions{TOptions}"/> read theirs when first built instead.
    /// </summary>
    /// <exception cref="RegistrationException">This call was given no configuration and none is known yet.</exception>
    public IConfiguration Configuration => _configuration ?? throw new RegistrationException(
        "Runners read their settings from configuration, and this AddJobRunners call has none: add runners with " +
        "builder.AddJobRunners(...) on the host builder or services.AddJobRunners(configuration, ...); a call without " +
        "configuration can add tasks and jobs only.");

    /// <summary>The runner names registered so far, by every call.</summary>
    public IReadOnlyCollection<string> RunnerNames => _registrations.Runners.Keys.ToArray();

    /// <summary>The job names registered so far, by every call; read it in a check to see them all.</summary>
    public IReadOnlyCollection<string> JobNames => _registrations.JobNames.ToArray();

    /// <summary>The task names registered so far, by every call; read it in a check to see them all.</summary>
    public IReadOnlyCollection<string> TaskNames => _registrations.TaskNames.ToArray();

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
    /// Registers a runner under a name, selectable with <c>JOB_RUNNER</c>: <typeparamref name="TTransport"/> (built
    /// from dependency injection, once) hands jobs and tasks to its backend; the core's dispatcher, the application's
    /// <see cref="IJobRunner"/>, writes rows first, marks them dispatched, keeps refused ones for the outbox, and
    /// maintenance re-sends lost ones, the same for every runner. Every registered runner's services are added; which
    /// runner a process uses is read from configuration when the container first needs it, and only that runner's
    /// hosted services start.
    /// </summary>
    /// <typeparam name="TTransport">The transport.</typeparam>
    /// <param name="name">The name users set in <c>JOB_RUNNER</c>.</param>
    /// <param name="configureServices">Adds what the transport needs; its hosted services start only when it is selected.</param>
    /// <param name="configureWorker">Adds the consuming side (a hosted worker); it starts only when the runner is selected and this process runs workers.</param>
    /// <exception cref="RegistrationException">The name is empty or already registered.</exception>
    public JobRunnersBuilder AddRunner<TTransport>(string name, Action<IServiceCollection>? configureServices = null, Action<IServiceCollection>? configureWorker = null)
        where TTransport : class, IJobTransport
    {
        RequireName(name, "runner");
        if (!_registrations.TryAddRunner(new RunnerDescriptor(name, sp => sp.GetRequiredService<TTransport>(), configureServices, configureWorker)))
        {
            throw new RegistrationException($"A runner named '{name}' is already registered.");
        }

        if (configureServices is not null)
        {
            RunnerHostedService.AddFor(Services, name, workerOnly: false, configureServices);
        }

        if (configureWorker is not null)
        {
            RunnerHostedService.AddFor(Services, name, workerOnly: true, configureWorker);
        }

        // After the runner's own registrations, which may build the transport with a factory of their own.
        Services.TryAddSingleton<TTransport>();
        return this;
    }

    /// <summary>
    /// Adds a runner's settings the way the shared settings are added: bound from <paramref name="sectionName"/> of
    /// the configuration <c>AddJobRunners</c> was given (or else the container's <see cref="IConfiguration"/>) when
    /// the options are first built, with <paramref name="readFlatNames"/> reading flat names such as
    /// <c>JOBRUNNERS_SQS_QUEUE_URL</c> in the same step, and rebuilt for <see cref="IOptionsMonitor{TOptions}"/>
    /// when that configuration reloads. While <paramref name="runnerName"/> is the selected runner,
    /// <paramref name="check"/> runs whenever the options are built and when the host starts, before any hosted
    /// service: its problems stop the start with a <see cref="RunnerNotConfiguredException"/> naming every one. A
    /// runner that is registered but not selected is not checked.
    /// </summary>
    /// <typeparam name="TOptions">The runner's options.</typeparam>
    /// <param name="runnerName">The runner the settings belong to, as set in <c>JOB_RUNNER</c>.</param>
    /// <param name="sectionName">The configuration section, such as <c>JobRunners:AwsSqs</c>.</param>
    /// <param name="readFlatNames">Reads the settings' flat names, after the section is bound.</param>
    /// <param name="check">Every missing or unusable setting of the given options; the application's services are passed for clients it supplies.</param>
    /// <param name="fillUnset">Fills what configuration and code left unset (environment fallbacks), after every <c>Configure</c>.</param>
    /// <returns>The options builder, for further configuration.</returns>
    public OptionsBuilder<TOptions> AddRunnerOptions<TOptions>(
        string runnerName,
        string sectionName,
        Action<IConfiguration, TOptions>? readFlatNames = null,
        Func<IServiceProvider, TOptions, IEnumerable<MissingSetting>>? check = null,
        Action<IConfiguration, TOptions>? fillUnset = null)
        where TOptions : class
    {
        ArgumentException.ThrowIfNullOrEmpty(runnerName);
        ArgumentException.ThrowIfNullOrEmpty(sectionName);
        var registrations = _registrations;
        var options = Services.AddOptions<TOptions>();
        Services.AddSingleton<IConfigureOptions<TOptions>>(sp => new BindFromRegistrations<TOptions>(registrations, sp, sectionName, readFlatNames));
        Services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(sp => new ReloadFromRegistrations<TOptions>(registrations, sp));
        if (fillUnset is not null)
        {
            Services.AddSingleton<IPostConfigureOptions<TOptions>>(sp => new FillFromRegistrations<TOptions>(registrations, sp, fillUnset));
        }

        if (check is not null)
        {
            Services.AddSingleton<IValidateOptions<TOptions>>(sp => new RunnerOptionsValidator<TOptions>(runnerName, sp, check));
            options.ValidateOnStart();
        }

        return options;
    }

    /// <summary>
    /// Uses a job store of your own. Recurring jobs then also need a schedule store in the same database: give it
    /// with <see cref="UseStore(Func{IServiceProvider, IJobStore}, Func{IServiceProvider, IScheduleStore})"/> or
    /// <c>UseScheduleStore</c>. The last store chosen (by this, <c>UseSqlite</c> or <c>UsePostgreSql</c>) wins.
    /// </summary>
    /// <param name="factory">Builds the job store, once.</param>
    /// <returns>The builder.</returns>
    public JobRunnersBuilder UseStore(Func<IServiceProvider, IJobStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _registrations.StoreFactory = factory;
        _registrations.ScheduleStoreFactory = null;
        return this;
    }

    /// <summary>
    /// Uses a job store and the schedule store beside it, in one database (what <c>UseSqlite</c> and
    /// <c>UsePostgreSql</c> call). The last store chosen wins; a schedule store given with <c>UseScheduleStore</c>
    /// is used instead of <paramref name="scheduleStore"/>.
    /// </summary>
    /// <param name="jobStore">Builds the job store, once.</param>
    /// <param name="scheduleStore">Builds the schedule store, once.</param>
    /// <returns>The builder.</returns>
    public JobRunnersBuilder UseStore(Func<IServiceProvider, IJobStore> jobStore, Func<IServiceProvider, IScheduleStore> scheduleStore)
    {
        ArgumentNullException.ThrowIfNull(jobStore);
        ArgumentNullException.ThrowIfNull(scheduleStore);
        _registrations.StoreFactory = jobStore;
        _registrations.ScheduleStoreFactory = scheduleStore;
        return this;
    }

    /// <summary>
    /// Runs the selected runner's consuming side (its worker) in this process too. Runners that execute in process
    /// always do; for queue runners this makes the process a worker. <c>JobRunners:Worker:Enabled=true</c> does the same.
    /// </summary>
    public JobRunnersBuilder EnableWorker(bool enabled = true)
    {
        _registrations.WorkerEnabled = enabled;
        return this;
    }

    /// <summary>Changes the shared settings after they are bound from configuration.</summary>
    public JobRunnersBuilder Configure(Action<JobRunnersOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    private JobRunnersBuilder AddJobDefinition<TPayload>(string name, Action<JobTypeOptions>? configure, bool inScope, Func<IServiceProvider, TPayload, IJobContext, CancellationToken, ValueTask> handler)
    {
        RequireName(name, "job");
        var typeOptions = new JobTypeOptions();
        configure?.Invoke(typeOptions);
        var problems = typeOptions.Retry?.Validate($"job '{name}' Retry").ToList() ?? [];
        if (problems.Count > 0)
        {
            throw new RegistrationException(string.Join(" ", problems));
        }

        if (!_registrations.TryAddJob(name, options => new JobDefinition<TPayload>(name, typeOptions, new PayloadBinder<TPayload>("job", name, options.Json), inScope, handler)))
        {
            throw new RegistrationException($"A job named '{name}' is already registered; job names must be unique.");
        }

        return this;
    }

    private JobRunnersBuilder AddTaskDefinition<TPayload>(string name, bool inScope, Func<IServiceProvider, TPayload, ITaskContext, CancellationToken, ValueTask> handler)
    {
        RequireName(name, "task");
        if (!_registrations.TryAddTask(name, options => new TaskDefinition<TPayload>(name, new PayloadBinder<TPayload>("task", name, options.Json), inScope, handler)))
        {
            throw new RegistrationException($"A task named '{name}' is already registered; task names must be unique.");
        }

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
