using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Commands;

/// <summary>
/// `jobrunners doctor`: which runner is selected and why, whether it is fully configured (every missing
/// setting), and whether the store answers. Exits non-zero when the deployment cannot work.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(Option<string[]> set)
    {
        var command = new Command("doctor", "Check the selected runner's configuration and the job store; exit non-zero when not usable.");
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
        try
        {
            var store = services.GetRequiredService<IJobStore>();
            var queued = await store.ListQueuedAsync(new QueuedQuery { Limit = 1 }, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"Store check:     reachable, schema present{(queued.Count > 0 ? ", jobs waiting" : "")}").ConfigureAwait(false);
        }
        catch (JobStoreException ex) when (ex.SchemaMissing && configuration.GetValue("JobRunners:MigrateOnStartup", true))
        {
            await output.WriteLineAsync("Store check:     reachable; the schema is created at startup (JobRunners:MigrateOnStartup=true) or by `jobrunners migrate`").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JobStoreException or ArgumentException)
        {
            healthy = false;
            await output.WriteLineAsync($"Store check:     FAILED: {ex.Message}").ConfigureAwait(false);
        }

        await output.WriteLineAsync(healthy ? "OK" : "NOT USABLE: fix the items above.").ConfigureAwait(false);
        return healthy ? 0 : 1;
    }
}
