using JobRunners.Cli.Demo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli;

/// <summary>Builds the host the CLI runs JobRunners in: every runner, the demo jobs, and the given logging.</summary>
internal static class CliHost
{
    public static IHost Build(IConfiguration configuration, LogLevel logLevel, bool worker = false)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Configure(builder, configuration, logLevel, worker);
        var host = builder.Build();

        // The runner is chosen when first needed; choose it now, so a wrong JOB_RUNNER is one line, before anything starts.
        host.Services.GetRequiredService<SelectedRunner>();
        return host;
    }

    /// <summary>What every CLI host has: the settings, console logging at <paramref name="logLevel"/>, every runner, the demo jobs, the health checks.</summary>
    public static void Configure(IHostApplicationBuilder builder, IConfiguration configuration, LogLevel logLevel, bool worker = false)
    {
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        if (logLevel != LogLevel.None)
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
            builder.Logging.SetMinimumLevel(logLevel);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }

        builder.Services.AddJobRunners(builder.Configuration, jobs =>
        {
            jobs.UseConfiguredStore(builder.Configuration).AddAllRunners().AddDemoJobs();
            if (worker)
            {
                jobs.EnableWorker();
            }
        });
        builder.Services.AddHealthChecks().AddJobRunners();
    }
}
