using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Commands;

/// <summary>
/// `jobrunners worker`: runs the selected runner's consuming side as a long-lived process until SIGTERM or
/// Ctrl-C, then finishes in-flight work within the shutdown timeout.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(Option<string[]> set)
    {
        var command = new Command("worker", "Run the selected runner's worker until stopped (SIGTERM / Ctrl-C finish in-flight work first).");
        command.SetAction(async (result, ct) =>
        {
            using var host = CliHost.Build(CliConfiguration.Build(result.GetValue(set)), LogLevel.Information, worker: true);
            await host.RunAsync(ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
