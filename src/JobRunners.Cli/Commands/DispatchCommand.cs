using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Commands;

/// <summary>`jobrunners dispatch NAME --payload JSON`: dispatches one of the registered jobs (or, with --task, a task).</summary>
internal static class DispatchCommand
{
    public static Command Create(Option<string[]> set)
    {
        var name = new Argument<string>("name") { Description = "The registered job type (or task name with --task)." };
        var payload = new Option<string>("--payload") { Description = "The payload as JSON.", DefaultValueFactory = _ => "{}" };
        var task = new Option<bool>("--task") { Description = "Dispatch a task instead of a job." };
        var delay = new Option<TimeSpan?>("--delay") { Description = "Run no earlier than this long from now, e.g. 00:05:00." };
        delay.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<TimeSpan?>() < TimeSpan.Zero)
            {
                result.AddError($"--delay {result.GetValueOrDefault<TimeSpan?>()} is negative: give how long from now, e.g. 00:05:00.");
            }
        });
        var priority = new Option<int>("--priority") { Description = "Higher runs first where the runner orders work." };
        var uniqueKey = new Option<string?>("--unique-key") { Description = "The job's identity: a second dispatch with it, while the first holds it, returns the first job." };
        var uniqueBy = new Option<string?>("--unique-by") { Description = "payload: the job's identity is its payload (instead of --unique-key)." };
        uniqueBy.AcceptOnlyFromAmong("payload");
        var uniqueFor = new Option<TimeSpan?>("--unique-for")
        {
            Description = "How long the identity is held after the dispatch, e.g. 01:00:00, or 'forever' (default: while the job is unfinished).",
            CustomParser = ParseUniqueFor,
        };
        var uniquePerQueue = new Option<bool>("--unique-per-queue") { Description = "The identity holds within the job's queue only." };
        var queue = new Option<string?>("--queue") { Description = "The queue name (default: the job type)." };
        var noWait = new Option<bool>("--no-wait") { Description = "in-process runner: exit at once; the job stays queued in its row and runs at the next start." };
        var command = new Command("dispatch", "Dispatch a registered job or task through the configured runner. With the in-process runner the command runs the job, so it waits for it to finish.") { name, payload, task, delay, priority, uniqueKey, uniqueBy, uniqueFor, uniquePerQueue, queue, noWait };
        command.SetAction(async (result, ct) =>
        {
            using var host = CliHost.Build(CliConfiguration.Build(result.GetValue(set)), LogLevel.Warning);
            await host.StartAsync(ct).ConfigureAwait(false);
            var runner = host.Services.GetRequiredService<IJobRunner>();
            var json = result.GetValue(payload)!;
            try
            {
                if (result.GetValue(task))
                {
                    await runner.DispatchTaskAsync(result.GetValue(name)!, json, ct).ConfigureAwait(false);
                    await Console.Out.WriteLineAsync($"Task {result.GetValue(name)} dispatched through {runner.Name}.").ConfigureAwait(false);
                }
                else
                {
                    var options = new DispatchOptions
                    {
                        Delay = result.GetValue(delay),
                        Priority = result.GetValue(priority),
                        UniqueKey = result.GetValue(uniqueKey),
                        UniqueByPayload = result.GetValue(uniqueBy) is "payload",
                        UniqueFor = result.GetValue(uniqueFor),
                        UniquePerQueue = result.GetValue(uniquePerQueue),
                        QueueName = result.GetValue(queue),
                    };
                    var row = await runner.DispatchJobAsync(result.GetValue(name)!, json, options, ct).ConfigureAwait(false);
                    if (row.Deduplicated)
                    {
                        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"Job {row.Id} ({row.JobType}) {row.Status.ToStoredValue()}: it already holds identity {row.UniqueKey} ({IdentityText.Held(row)}), so nothing new was dispatched.")).ConfigureAwait(false);
                        return 0;
                    }

                    if (runner.Name == "in-process" && !result.GetValue(noWait) && options.Delay is null)
                    {
                        // This process is the worker: leaving now would leave the job for the next start.
                        row = await WaitForFinalAsync(host.Services.GetRequiredService<JobRunners.Extensibility.IJobStore>(), row, ct).ConfigureAwait(false);
                    }

                    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Job {row.Id} ({row.JobType}) {row.Status.ToStoredValue()} through {runner.Name}.")).ConfigureAwait(false);
                }
            }
            catch (JobRunnerException ex) when (ex is not JobStoreException)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (JsonException ex)
            {
                await Console.Error.WriteLineAsync($"--payload is not valid JSON: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            finally
            {
                // Stopping lets an in-process runner finish what it accepted.
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>A --unique-for value: a period of at least a millisecond, or 'forever'; anything else is an error saying what to give.</summary>
    private static TimeSpan? ParseUniqueFor(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (string.Equals(text, "forever", StringComparison.OrdinalIgnoreCase))
        {
            return DispatchOptions.Forever;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var period) && period >= TimeSpan.FromMilliseconds(1))
        {
            return period;
        }

        result.AddError($"--unique-for '{text}' is not a period: give one such as 00:30:00 (30 minutes) or 7.00:00:00 (7 days), or 'forever'.");
        return null;
    }

    internal static async Task<JobRequest> WaitForFinalAsync(JobRunners.Extensibility.IJobStore store, JobRequest row, CancellationToken cancellationToken)
    {
        while (!row.Status.IsFinal())
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            row = await store.GetAsync(row.Id, cancellationToken).ConfigureAwait(false) ?? row;
        }

        return row;
    }
}
