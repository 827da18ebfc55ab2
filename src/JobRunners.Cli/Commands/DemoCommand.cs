using System.CommandLine;
using System.Globalization;
using JobRunners.Cli.Demo;
using JobRunners.Cli.Output;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Commands;

/// <summary>
/// `jobrunners demo`: registers the sample jobs, dispatches a batch (one succeeds, one reports progress, one fails
/// twice then succeeds, one fails for good, one dispatches another job, plus tasks), and shows the rows change
/// live until every one is final.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(Option<string[]> set)
    {
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for every job to finish.", DefaultValueFactory = _ => 60 };
        var command = new Command("demo", "Dispatch sample tasks and jobs on the configured runner (default: in-process, embedded SQLite) and watch their rows live.") { timeout };
        command.SetAction((result, ct) => RunAsync(result.GetValue(set) ?? [], result.GetValue(timeout), Console.Out, ct));
        return command;
    }

    public static async Task<int> RunAsync(string[] overrides, int timeoutSeconds, TextWriter output, CancellationToken cancellationToken)
    {
        var configuration = CliConfiguration.Build(overrides);

        // The demo is self-contained: for queue runners it also runs the worker that consumes the queue.
        using var host = CliHost.Build(configuration, LogLevel.None, worker: true);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var runner = host.Services.GetRequiredService<IJobRunner>();
        var store = host.Services.GetRequiredService<IJobStore>();
        await output.WriteLineAsync($"JobRunners demo: runner '{runner.Name}', store {CliStores.Describe(configuration)}").ConfigureAwait(false);

        await runner.DispatchTaskAsync(DemoJobs.SendEmail, new SendEmailPayload("ops@example.com", "Demo started"), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync("Dispatched task send-email (tasks leave no row).").ConfigureAwait(false);
        try
        {
            await runner.DispatchJobAsync(DemoJobs.ChargeCard, new { cardLast4 = "42", amount = 0 }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (PayloadValidationException ex)
        {
            await output.WriteLineAsync($"Rejected at dispatch, no row written: {ex.Message}").ConfigureAwait(false);
        }

        var dispatched = new List<JobRequest>
        {
            await runner.DispatchJobAsync(DemoJobs.Greet, new GreetPayload("Ada"), cancellationToken: cancellationToken).ConfigureAwait(false),
            await runner.DispatchJobAsync(DemoJobs.ResizeImages, new ResizeImagesPayload(10, 200), cancellationToken: cancellationToken).ConfigureAwait(false),
            await runner.DispatchJobAsync(DemoJobs.SyncInventory, new SyncInventoryPayload("east"), cancellationToken: cancellationToken).ConfigureAwait(false),
            await runner.DispatchJobAsync(DemoJobs.ChargeCard, new ChargeCardPayload("4242", 19.99m), cancellationToken: cancellationToken).ConfigureAwait(false),
            await runner.DispatchJobAsync(DemoJobs.NightlyReport, new NightlyReportPayload(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), cancellationToken: cancellationToken).ConfigureAwait(false),
        };
        await output.WriteLineAsync($"Dispatched {dispatched.Count} jobs; watching their rows:").ConfigureAwait(false);

        var firstId = dispatched.Min(j => j.Id);
        var view = new LiveView(output, interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        List<JobRequest> rows;
        while (true)
        {
            rows = (await store.ListAsync(new JobQuery { Limit = 100 }, cancellationToken).ConfigureAwait(false))
                .Where(r => r.Id >= firstId).OrderBy(r => r.Id).ToList();
            await view.ShowAsync(rows).ConfigureAwait(false);
            if (rows.Count > dispatched.Count && rows.All(r => r.Status.IsFinal()))
            {
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                await output.WriteLineAsync($"Timed out after {timeoutSeconds} s with jobs still unfinished.").ConfigureAwait(false);
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return 1;
            }

            await Task.Delay(150, cancellationToken).ConfigureAwait(false);
        }

        await host.StopAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Final rows:").ConfigureAwait(false);
        foreach (var line in Table.Render(rows))
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        var counts = rows.GroupBy(r => r.Status).Select(g => $"{g.Count()} {g.Key.ToStoredValue()}");
        await output.WriteLineAsync($"Done: {string.Join(", ", counts)}. Inspect them with `jobrunners jobs list` and `jobrunners jobs show ID`.").ConfigureAwait(false);
        return 0;
    }
}
