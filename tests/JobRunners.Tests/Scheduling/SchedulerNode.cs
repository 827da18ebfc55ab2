using System.Collections.Concurrent;
using JobRunners.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JobRunners.Tests.Scheduling;

/// <summary>
/// One simulated process: JobRunners with recurring scheduling over a shared SQLite file and a shared fake clock,
/// not started as a host, so a test drives the scheduler one round at a time with <see cref="RunOnceAsync"/>.
/// </summary>
internal sealed class SchedulerNode : IAsyncDisposable
{
    public const string ReportJob = "report";

    private readonly ServiceProvider _services;

    private SchedulerNode(ServiceProvider services, ConcurrentQueue<(long JobId, ReportPayload Payload)> runs)
    {
        _services = services;
        Runs = runs;
    }

    /// <summary>The runs of the <c>report</c> job this node executed, in order.</summary>
    public ConcurrentQueue<(long JobId, ReportPayload Payload)> Runs { get; }

    public RecurringScheduler Scheduler => _services.GetRequiredService<RecurringScheduler>();

    public IRecurringJobs Recurring => _services.GetRequiredService<IRecurringJobs>();

    public IScheduleStore Schedules => _services.GetRequiredService<IScheduleStore>();

    public IJobStore Jobs => _services.GetRequiredService<IJobStore>();

    public IJobRunner Runner => _services.GetRequiredService<IJobRunner>();

    public IServiceProvider Services => _services;

    /// <summary>Builds a node and migrates its store.</summary>
    /// <param name="databasePath">The SQLite file every node of a test shares.</param>
    /// <param name="time">The clock every node of a test shares.</param>
    /// <param name="holder">The node's scheduler holder id.</param>
    /// <param name="runner">The runner: <c>sync</c> (runs at dispatch) or <c>in-process</c> (rows wait: no worker runs here).</param>
    /// <param name="configure">More registrations.</param>
    /// <param name="configureServices">Changes to the container after JobRunners is added.</param>
    public static async Task<SchedulerNode> StartAsync(string databasePath, FakeTimeProvider time, string holder, string runner = "sync", Action<JobRunnersBuilder>? configure = null, Action<IServiceCollection>? configureServices = null)
    {
        var runs = new ConcurrentQueue<(long, ReportPayload)>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = runner,
            ["JobRunners:Sqlite:Path"] = databasePath,
            ["JobRunners:Scheduler:HolderId"] = holder,
            ["JobRunners:Scheduler:Lease"] = "00:00:15",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddJobRunners(configuration, jobs =>
        {
            jobs.UseSqlite().AddSynchronousRunner().AddInProcessRunner();
            jobs.AddJob<ReportPayload>(ReportJob, (payload, context, _) =>
            {
                runs.Enqueue((context.JobId, payload));
                return ValueTask.CompletedTask;
            });
            configure?.Invoke(jobs);
        });
        configureServices?.Invoke(services);
        var provider = services.BuildServiceProvider();
        var node = new SchedulerNode(provider, runs);
        await node.Jobs.MigrateAsync();
        return node;
    }

    /// <summary>Runs one scheduler round.</summary>
    public Task<SchedulerRound> RunOnceAsync() => Scheduler.RunOnceAsync(CancellationToken.None);

    /// <summary>Every job row the schedule dispatched, oldest first.</summary>
    public async Task<IReadOnlyList<JobRequest>> RowsOfAsync(string tag)
    {
        var rows = await Jobs.ListAsync(new JobQuery { Limit = 1000 });
        return rows.Where(r => r.UniqueKey?.StartsWith($"schedule:{tag}:", StringComparison.Ordinal) == true).OrderBy(r => r.Id).ToList();
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
