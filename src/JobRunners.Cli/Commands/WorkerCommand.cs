using System.CommandLine;
using JobRunners.Runners.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Commands;

/// <summary>
/// `jobrunners worker`: runs the selected runner's consuming side as a long-lived process until SIGTERM or
/// Ctrl-C, then finishes in-flight work within the shutdown timeout. With the postgres runner, `--once` runs one
/// due job and `--drain` runs until nothing is due, for cron-style use.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(Option<string[]> set)
    {
        var once = new Option<bool>("--once") { Description = "postgres runner: run one due job or task, then exit (exit code 3 when nothing was due)." };
        var drain = new Option<bool>("--drain") { Description = "postgres runner: run until nothing is due, then exit." };
        var command = new Command("worker", "Run the selected runner's worker until stopped (SIGTERM / Ctrl-C finish in-flight work first).") { once, drain };
        command.SetAction(async (result, ct) =>
        {
            var configuration = CliConfiguration.Build(result.GetValue(set));
            var single = result.GetValue(once) || result.GetValue(drain);
            if (!single)
            {
                using var worker = CliHost.Build(configuration, LogLevel.Information, worker: true);
                await worker.RunAsync(ct).ConfigureAwait(false);
                return 0;
            }

            using var host = CliHost.Build(configuration, LogLevel.Warning);
            var runner = host.Services.GetService<PostgreSqlWorkerRunner>();
            if (runner is null || result.GetValue(once) && result.GetValue(drain))
            {
                await Console.Error.WriteLineAsync("--once and --drain (one of them) need JOB_RUNNER=postgres: other runners' workers are fed by their queue.").ConfigureAwait(false);
                return 2;
            }

            await host.StartAsync(ct).ConfigureAwait(false);
            try
            {
                var work = result.GetValue(once) ? await runner.RunOnceAsync(ct).ConfigureAwait(false) : await runner.DrainAsync(ct).ConfigureAwait(false);
                await Console.Out.WriteLineAsync($"Ran {work.JobsRun} job(s) ({work.JobsSucceeded} succeeded, {work.JobsRetried} to retry, {work.JobsFailed} failed) and {work.TasksRun} task(s) ({work.TasksFailed} failed).").ConfigureAwait(false);
                return work.Total == 0 && result.GetValue(once) ? 3 : 0;
            }
            finally
            {
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        });
        return command;
    }
}
