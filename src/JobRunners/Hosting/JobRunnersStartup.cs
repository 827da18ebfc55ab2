using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Hosting;

/// <summary>
/// Runs first among JobRunners' hosted services (settings and the runner were checked before any hosted service
/// started): applies store migrations when enabled and rescues jobs left running by a process that died.
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
