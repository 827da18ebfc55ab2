using JobRunners.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Hosting;

/// <summary>
/// Runs first when the host starts: validates settings (all problems at once), applies store migrations when
/// enabled, builds the selected runner (which fails startup when it is not fully configured) and rescues jobs
/// left running by a process that died.
/// </summary>
internal sealed class JobRunnersStartup : IHostedService
{
    private readonly IServiceProvider _services;
    private readonly JobRunnersOptions _options;
    private readonly ILogger<JobRunnersStartup> _logger;

    public JobRunnersStartup(IServiceProvider services, IOptions<JobRunnersOptions> options, ILogger<JobRunnersStartup> logger)
    {
        _services = services;
        _options = options.Value;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = _options.Validate();
        if (problems.Count > 0)
        {
            throw new JobRunnerException("JobRunners settings are invalid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }

        var store = _services.GetRequiredService<IJobStore>();
        if (_options.MigrateOnStartup)
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        var runner = _services.GetRequiredService<IJobRunner>();
        var rescued = await store.RescueExpiredLeasesAsync(cancellationToken).ConfigureAwait(false);
        await _services.GetRequiredService<StaleJobHooks>().NotifyAsync(rescued, cancellationToken).ConfigureAwait(false);

        HostingLog.Started(_logger, runner.Name, store.Name, _options.WorkerId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
