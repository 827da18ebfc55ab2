using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using JobRunners.Cli.Demo;
using JobRunners.Cli.Output;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Commands;

/// <summary>`jobrunners jobs ...`: read job rows (list, show) and operate them (cancel, retry, run-now, delete, purge) through <see cref="IJobMonitor"/>.</summary>
internal static class JobsCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly HashSet<string> Statuses = new(StringComparer.OrdinalIgnoreCase) { "queued", "running", "succeeded", "failed", "cancelled" };

    public static Command Create(Option<string[]> set)
    {
        var json = JsonOption();
        var status = StatusOption("Only rows in this status: queued, running, succeeded, failed, cancelled.");
        var type = new Option<string?>("--type") { Description = "Only rows of this job type." };
        var queue = new Option<string?>("--queue") { Description = "Only rows of this queue." };
        var beforeId = new Option<long?>("--before-id") { Description = "Only rows older than this id: the next page's cursor, printed under each page." };
        var limit = new Option<int>("--limit") { Description = "At most this many rows (1 to 1000), newest first.", DefaultValueFactory = _ => 20 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError($"--limit {result.GetValueOrDefault<int>()} is out of range: give 1 to 1000.");
            }
        });
        var list = new Command("list", "List job rows, newest first, a page at a time.") { status, type, queue, beforeId, limit, json };
        list.SetAction(async (result, ct) =>
        {
            using var host = CliHost.Build(CliConfiguration.Build(result.GetValue(set)), LogLevel.Warning);
            var monitor = host.Services.GetRequiredService<IJobMonitor>();
            var statusText = result.GetValue(status);
            var page = await monitor.QueryAsync(new JobQuery
            {
                Status = statusText is null ? null : JobStatusExtensions.ParseStatus(statusText),
                JobType = result.GetValue(type),
                QueueName = result.GetValue(queue),
                BeforeId = result.GetValue(beforeId),
                Limit = result.GetValue(limit),
            }, ct).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                await WriteJsonAsync(new { items = page.Items.Select(Masked), nextBeforeId = page.NextBeforeId }).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            foreach (var line in Table.Render(page.Items))
            {
                await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
            }

            if (page.NextBeforeId is { } next)
            {
                await Console.Out.WriteLineAsync($"more: jobrunners jobs list --before-id {next.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });

        var id = IdArgument();
        var show = new Command("show", "Show one job row with every column and its payload.") { id, json };
        show.SetAction(async (result, ct) =>
        {
            using var host = CliHost.Build(CliConfiguration.Build(result.GetValue(set)), LogLevel.Warning);
            var row = await host.Services.GetRequiredService<IJobMonitor>().GetAsync(result.GetValue(id), ct).ConfigureAwait(false);
            if (row is null)
            {
                await Console.Error.WriteLineAsync($"No job row has id {result.GetValue(id)} (it may have been pruned after its retention period); `jobrunners jobs list` shows the newest.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            await (result.GetValue(json) ? WriteJsonAsync(Masked(row)) : Console.Out.WriteLineAsync(Describe(row))).ConfigureAwait(false);
            return ExitCodes.Ok;
        });

        return new Command("jobs", "Read and operate job rows: list, show, cancel, retry, run now, delete, purge.")
        {
            list, show,
            ActionCommand(set, "cancel", "Cancel a queued job, or stop a running one (its handler's token fires at the next lease heartbeat).", (m, i, r, ct) => m.CancelAsync(i, r, ct), reason: true),
            RetryCommand(set),
            ActionCommand(set, "run-now", "Run a job that waits for its delay or its next retry now.", (m, i, _, ct) => m.RunNowAsync(i, ct)),
            ActionCommand(set, "delete", "Delete a finished job's row.", (m, i, _, ct) => m.DeleteAsync(i, ct)),
            PurgeCommand(set),
        };
    }

    /// <summary>One action on one job: runs it in a started host (so an in-process runner runs what it re-queues before the command exits).</summary>
    private static Command ActionCommand(Option<string[]> set, string name, string description, Func<IJobMonitor, long, string?, CancellationToken, ValueTask<JobActionResult>> act, bool reason = false)
    {
        var id = IdArgument();
        var why = new Option<string?>("--reason") { Description = "Why, kept as the job's result message." };
        var command = new Command(name, description) { id };
        if (reason)
        {
            command.Options.Add(why);
        }

        command.SetAction(async (result, ct) =>
        {
            var outcome = await RunActionAsync(set, result, (monitor, token) => act(monitor, result.GetValue(id), reason ? result.GetValue(why) : null, token), ct).ConfigureAwait(false);
            await (outcome.Succeeded ? Console.Out : Console.Error).WriteLineAsync(outcome.Message).ConfigureAwait(false);
            return outcome.Succeeded ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Command RetryCommand(Option<string[]> set)
    {
        var id = new Argument<long?>("id") { Description = "The failed or cancelled job to retry; or give --status to retry every such job.", Arity = ArgumentArity.ZeroOrOne };
        var status = StatusOption("Retry every job in this status: failed or cancelled.");
        var type = new Option<string?>("--type") { Description = "With --status: only jobs of this type." };
        var command = new Command("retry", "Queue a failed or cancelled job again with fresh attempts (or every such job with --status).") { id, status, type };
        command.Validators.Add(result =>
        {
            var hasId = result.GetValue(id) is not null;
            var statusText = result.GetValue(status);
            if (hasId == (statusText is not null))
            {
                result.AddError("Give a job id, or --status failed|cancelled to retry every such job (not both).");
            }
            else if (statusText is not null && !statusText.Equals("failed", StringComparison.OrdinalIgnoreCase) && !statusText.Equals("cancelled", StringComparison.OrdinalIgnoreCase))
            {
                result.AddError($"--status '{statusText}' cannot be retried: give failed or cancelled.");
            }
            else if (hasId && result.GetValue(type) is not null)
            {
                result.AddError("--type goes with --status, not with a job id.");
            }
        });
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(id) is { } one)
            {
                var outcome = await RunActionAsync(set, result, (monitor, token) => monitor.RetryAsync(one, token), ct).ConfigureAwait(false);
                await (outcome.Succeeded ? Console.Out : Console.Error).WriteLineAsync(outcome.Message).ConfigureAwait(false);
                return outcome.Succeeded ? ExitCodes.Ok : ExitCodes.Failed;
            }

            var which = JobStatusExtensions.ParseStatus(result.GetValue(status)!);
            var count = await RunInHostAsync(set, result, (monitor, token) => monitor.RetryAllAsync(which, result.GetValue(type), token), ct).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"{count} {which.ToStoredValue()} job(s) queued again.").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command PurgeCommand(Option<string[]> set)
    {
        var status = StatusOption("Delete finished rows in this status: succeeded, failed or cancelled.");
        status.Required = true;
        var olderThan = new Option<TimeSpan>("--older-than") { Description = "Only rows that finished longer ago than this, e.g. 7.00:00:00 (7 days) or 12:00:00.", Required = true };
        olderThan.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<TimeSpan>() < TimeSpan.Zero)
            {
                result.AddError("--older-than must not be negative: give an age such as 7.00:00:00.");
            }
        });
        var type = new Option<string?>("--type") { Description = "Only rows of this job type." };
        var command = new Command("purge", "Delete finished job rows in one status that finished before a given age.") { status, olderThan, type };
        command.SetAction(async (result, ct) =>
        {
            var which = JobStatusExtensions.ParseStatus(result.GetValue(status)!);
            var before = DateTimeOffset.UtcNow - result.GetValue(olderThan);
            var count = await RunInHostAsync(set, result, (monitor, token) => monitor.PurgeAsync(which, before, result.GetValue(type), token), ct).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"{count} {which.ToStoredValue()} row(s) deleted (finished before {before.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}).").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Starts a host (migrations, the runner), runs the action, and stops the host, letting an in-process runner finish what it took.</summary>
    private static async Task<T> RunInHostAsync<T>(Option<string[]> set, ParseResult result, Func<IHost, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        // A failing attempt of the job is the job's news, not the command's: the job's row tells it.
        using var host = CliHost.Build(CliConfiguration.Build(result.GetValue(set)), LogLevel.Error);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action(host, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static Task<T> RunInHostAsync<T>(Option<string[]> set, ParseResult result, Func<IJobMonitor, CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken) =>
        RunInHostAsync(set, result, async (host, token) => await action(host.Services.GetRequiredService<IJobMonitor>(), token).ConfigureAwait(false), cancellationToken);

    /// <summary>
    /// One action on one job in a started host. With the in-process runner this process is the worker, so a job the
    /// action queued again runs here before the command exits (as `dispatch` does), and the message says how it ended.
    /// </summary>
    private static Task<JobActionResult> RunActionAsync(Option<string[]> set, ParseResult result, Func<IJobMonitor, CancellationToken, ValueTask<JobActionResult>> action, CancellationToken cancellationToken) =>
        RunInHostAsync(set, result, async (host, token) =>
        {
            var outcome = await action(host.Services.GetRequiredService<IJobMonitor>(), token).ConfigureAwait(false);
            if (outcome is not { Succeeded: true, Job: { Status: JobStatus.Queued } row } || host.Services.GetRequiredService<IJobRunner>().Name != "in-process")
            {
                return outcome;
            }

            var final = await DispatchCommand.WaitForFinalAsync(host.Services.GetRequiredService<IJobStore>(), row, token).ConfigureAwait(false);
            return outcome with { Job = final, Message = $"{outcome.Message} It ran here and {final.Status.ToStoredValue()}." };
        }, cancellationToken);

    internal static Option<bool> JsonOption() => new("--json") { Description = "Print JSON for scripts instead of text." };

    internal static Task WriteJsonAsync<T>(T value) => Console.Out.WriteLineAsync(JsonSerializer.Serialize(value, Json));

    /// <summary>The row with its payload masked as <see cref="Describe"/> masks it.</summary>
    internal static JobRequest Masked(JobRequest row) => row with { Payload = PayloadMasking.MaskJson(row.Payload, DemoJobs.PayloadTypeOf(row.JobType)) };

    private static Argument<long> IdArgument() => new("id") { Description = "The job row id." };

    private static Option<string?> StatusOption(string description)
    {
        var status = new Option<string?>("--status") { Description = description };
        status.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string?>();
            if (text is not null && !Statuses.Contains(text))
            {
                result.AddError($"--status '{text}' is not a job status: use queued, running, succeeded, failed or cancelled.");
            }
        });
        return status;
    }

    public static string Describe(JobRequest row)
    {
        // Secrets never reach the terminal: [Sensitive] members of the types this program knows, and secret-looking names of any.
        var payload = PayloadMasking.MaskJson(row.Payload, DemoJobs.PayloadTypeOf(row.JobType));
        try
        {
            using var document = JsonDocument.Parse(payload);
            payload = JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            // Show the text as stored.
        }

        static string When(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture) ?? "-";
        var lines = new[]
        {
            $"id:             {row.Id}",
            $"job type:       {row.JobType}",
            $"queue:          {row.QueueName}{(row.LocksQueue ? " (locks the queue)" : "")}",
            $"status:         {row.Status.ToStoredValue()}",
            $"progress:       {Table.Bar(row.Progress)}",
            $"attempts:       {row.Attempts} of {row.MaxAttempts}{(row.Retries > 0 ? $" (retried by an operator {row.Retries} time(s))" : "")}",
            $"result:         {row.ResultMessage ?? "-"}",
            $"last error:     {row.LastError ?? "-"}",
            $"priority:       {row.Priority}",
            $"run at:         {When(row.RunAt)}",
            $"identity:       {row.UniqueKey ?? "-"}",
            $"identity held:  {IdentityText.Held(row)}",
            $"runner:         {row.Runner ?? "-"} (dispatched {When(row.DispatchedAt)})",
            $"lease:          {row.LockedBy ?? "-"} until {When(row.LockedUntil)}",
            $"created:        {When(row.CreatedAt)}",
            $"started:        {When(row.StartedAt)}",
            $"finished:       {When(row.FinishedAt)}",
            $"updated:        {When(row.UpdatedAt)}",
            "payload:",
            payload,
        };
        return string.Join(Environment.NewLine, lines);
    }
}
