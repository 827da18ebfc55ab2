using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Commands;

/// <summary>
/// `jobrunners doctor`: which runner is selected and why, whether it is fully configured (every missing
/// setting), then the health checks a host serves (store, backend, worker, backlog), one line each. Exits non-zero
/// when the deployment cannot work.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(Option<string[]> set)
    {
        var command = new Command("doctor", "Check the selected runner's configuration and run the health checks (store, backend, worker, backlog); exit non-zero when not usable.");
        command.SetAction((result, ct) => RunAsync(CliConfiguration.Build(result.GetValue(set)), Console.Out, ct));
        return command;
    }

    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        var (configured, source) = RunnerSelection.ReadConfigured(configuration);
        await output.WriteLineAsync($"Runner setting:  {configured} (from {source})").ConfigureAwait(false);
        Microsoft.Extensions.Hosting.IHost host;
        try
        {
            host = CliHost.Build(configuration, LogLevel.None);
        }
        catch (Exception ex) when (ex is UnknownRunnerException or ArgumentException)
        {
            await output.WriteLineAsync("Runner:          NOT USABLE").ConfigureAwait(false);
            await output.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        using (host)
        {
            return await CheckAsync(host.Services, configuration, output, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> CheckAsync(IServiceProvider services, IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        var selected = services.GetRequiredService<SelectedRunner>();
        await output.WriteLineAsync($"Runner:          {selected.Name}").ConfigureAwait(false);
        await output.WriteLineAsync($"Known runners:   {string.Join(", ", selected.Registered.Order(StringComparer.Ordinal))}").ConfigureAwait(false);
        var healthy = true;
        try
        {
            var runner = services.GetRequiredService<IJobRunner>();
            await output.WriteLineAsync($"Configuration:   {runner.CheckConfiguration()}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RunnerNotConfiguredException or JobStoreException or ArgumentException)
        {
            healthy = false;
            await output.WriteLineAsync("Configuration:   NOT FULLY CONFIGURED").ConfigureAwait(false);
            await output.WriteLineAsync(ex.Message).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"Store:           {CliStores.Describe(configuration)}").ConfigureAwait(false);

        // The same checks a host serves with MapHealthChecks: one line each, Unhealthy makes the exit code non-zero.
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, entry) in report.Entries)
        {
            await output.WriteLineAsync($"{name + ":",-20} {entry.Status,-9} {entry.Description}").ConfigureAwait(false);
            healthy &= entry.Status != HealthStatus.Unhealthy;
        }

        await output.WriteLineAsync(healthy ? "OK" : "NOT USABLE: fix the items above.").ConfigureAwait(false);
        return healthy ? 0 : 1;
    }
}
