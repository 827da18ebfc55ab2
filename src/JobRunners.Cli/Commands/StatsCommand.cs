using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Commands;

/// <summary>`jobrunners stats`: counts by status and type, each queue's backlog, recent throughput and workers.</summary>
internal static class StatsCommand
{
    public static Command Create(Option<string[]> set)
    {
        var json = JobsCommand.JsonOption();
        var minutes = new Option<int>("--minutes") { Description = "Throughput over this many recent minutes (1 to 60).", DefaultValueFactory = _ => 15 };
        minutes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 60)
            {
                result.AddError($"--minutes {result.GetValueOrDefault<int>()} is out of range: give 1 to 60.");
            }
        });
        var command = new Command("stats", "Counts by status and type, oldest queued age per queue, throughput over the last minutes and the workers seen.") { minutes, json };
        command.SetAction(async (result, ct) =>
        {
            using var host = CliHost.Build(CliConfiguration.Build(result.GetValue(set)), LogLevel.Warning);
            var stats = await host.Services.GetRequiredService<IJobMonitor>().GetStatsAsync(result.GetValue(minutes), ct).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                await JobsCommand.WriteJsonAsync(stats).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            foreach (var line in Render(stats, result.GetValue(minutes)))
            {
                await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static IEnumerable<string> Render(JobStats stats, int minutes)
    {
        var statuses = new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled };
        yield return string.Create(CultureInfo.InvariantCulture, $"{"JOB TYPE",-24}{string.Concat(statuses.Select(s => $"{s.ToStoredValue().ToUpperInvariant(),11}"))}");
        foreach (var type in stats.Counts.Select(c => c.JobType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{Output.Table.Clip(type, 23),-24}{string.Concat(statuses.Select(s => $"{stats.Counts.Where(c => c.JobType == type && c.Status == s).Sum(c => c.Count),11}"))}");
        }

        yield return "";
        yield return stats.Queues.Count == 0 ? "queues: nothing queued" : "QUEUE                   QUEUED        DUE  OLDEST DUE WAITS";
        foreach (var queue in stats.Queues)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{Output.Table.Clip(queue.QueueName, 23),-24}{queue.Queued,6} {queue.Due,10}  {Age(queue.OldestDueAge)}");
        }

        yield return "";
        var succeeded = stats.Throughput.Sum(t => t.Succeeded);
        var failed = stats.Throughput.Sum(t => t.Failed);
        yield return string.Create(CultureInfo.InvariantCulture, $"last {minutes} min: {succeeded} succeeded, {failed} failed ({(succeeded + failed) / (double)minutes:0.#} per minute); failed in the last hour: {stats.FailedLastHour}");
        yield return stats.Workers.Count == 0
            ? $"workers: none seen in the last {minutes} min"
            : "workers: " + string.Join(", ", stats.Workers.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.WorkerId} ({w.Running} running, seen {Age(stats.At - w.LastSeenAt)} ago)")));
    }

    private static string Age(TimeSpan? age) => age switch
    {
        null => "-",
        { TotalSeconds: < 90 } a => string.Create(CultureInfo.InvariantCulture, $"{a.TotalSeconds:0}s"),
        { TotalMinutes: < 90 } a => string.Create(CultureInfo.InvariantCulture, $"{a.TotalMinutes:0}m"),
        { } a => string.Create(CultureInfo.InvariantCulture, $"{a.TotalHours:0.#}h"),
    };
}
