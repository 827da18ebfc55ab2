using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using JobRunners.Cli.Demo;
using JobRunners.Cli.Output;
using JobRunners.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JobRunners.Cli.Commands;

/// <summary>
/// `jobrunners schedules list|show|create|update|pause|resume|delete`: manage recurring jobs. Reads and state changes
/// go straight to the schedule store; create and update build the host, so the job type and payload are checked
/// against the registry before anything is stored.
/// </summary>
internal static partial class SchedulesCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(Option<string[]> set)
    {
        var list = new Command("list", "List recurring jobs by tag, with their next and last runs.");
        list.SetAction(async (result, ct) =>
        {
            var schedules = await StoreOf(result, set).ListAsync(ct).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"{"TAG",-24} {"JOB",-16} {"SCHEDULE",-30} {"NEXT RUN (UTC)",-20} {"LAST RUN (UTC)",-20} {"RUNS",-8} STATE").ConfigureAwait(false);
            foreach (var s in schedules)
            {
                var runs = s.MaxExecutions > 0 ? $"{s.Executions}/{s.MaxExecutions}" : s.Executions.ToString(CultureInfo.InvariantCulture);
                await Console.Out.WriteLineAsync($"{Table.Clip(s.Tag, 24),-24} {Table.Clip(s.JobType, 16),-16} {Table.Clip(Timing(s), 30),-30} {When(s.NextRunAt),-20} {When(s.LastRunAt),-20} {runs,-8} {State(s)}").ConfigureAwait(false);
            }

            return 0;
        });

        var showTag = Tag();
        var show = new Command("show", "Show one recurring job with every field, its coming runs and the scheduler's leader.") { showTag };
        show.SetAction(async (result, ct) =>
        {
            var store = StoreOf(result, set);
            var schedule = await store.GetAsync(result.GetValue(showTag)!, ct).ConfigureAwait(false);
            if (schedule is null)
            {
                return await NotFoundAsync(result.GetValue(showTag)!).ConfigureAwait(false);
            }

            await Console.Out.WriteLineAsync(Describe(schedule, await store.GetLeaseAsync(ct).ConfigureAwait(false))).ConfigureAwait(false);
            return 0;
        });

        return new Command("schedules", "Manage recurring jobs (interval or cron schedules, by tag).")
        {
            list,
            show,
            Define(set, creating: true),
            Define(set, creating: false),
            Change(set, "pause", "Stop dispatching a recurring job's runs until it is resumed.", (store, tag, ct) => store.SetPausedAsync(tag, true, ct), "paused"),
            Change(set, "resume", "Dispatch a paused recurring job's runs again; a run missed while paused is caught up once.", (store, tag, ct) => store.SetPausedAsync(tag, false, ct), "resumed"),
            Change(set, "delete", "Delete a recurring job (jobs it dispatched stay). One defined in code returns when its app restarts.", (store, tag, ct) => store.DeleteAsync(tag, ct), "deleted"),
        };
    }

    public static string Describe(JobSchedule schedule, SchedulerLease? lease)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var lines = new List<string>
        {
            $"tag:            {schedule.Tag}",
            $"job type:       {schedule.JobType}",
            $"schedule:       {Timing(schedule)}",
            $"state:          {State(schedule)}",
            $"start at:       {When(schedule.StartAt)}",
            $"next run:       {When(schedule.NextRunAt)}",
            $"coming runs:    {string.Join(", ", Coming(schedule).Select(t => When(t)))}",
            $"last run:       {When(schedule.LastRunAt)} (job {schedule.LastJobId?.ToString(CultureInfo.InvariantCulture) ?? "-"})",
            $"unconfirmed:    {When(schedule.PendingRunAt)}",
            $"last error:     {schedule.LastError ?? "-"}",
            $"executions:     {schedule.Executions} of {(schedule.MaxExecutions == 0 ? "unlimited" : schedule.MaxExecutions.ToString(CultureInfo.InvariantCulture))}",
            $"no overlap:     {(schedule.NoOverlap ? "yes: a run waits until the previous run's job is final" : "no")}",
            $"dispatch:       queue {schedule.QueueName ?? "(job type)"}, priority {schedule.Priority}, max attempts {schedule.MaxAttempts?.ToString(CultureInfo.InvariantCulture) ?? "(retry policy)"}",
            $"created:        {When(schedule.CreatedAt)}",
            $"updated:        {When(schedule.UpdatedAt)}",
            $"leader:         {(lease is null ? "none yet" : $"{lease.Holder} until {When(lease.ExpiresAt)}")}",
            "payload:",
            Pretty(PayloadMasking.MaskJson(schedule.Payload, DemoJobs.PayloadTypeOf(schedule.JobType))),
        };
        return string.Join(Environment.NewLine, lines);
    }

    private static Command Define(Option<string[]> set, bool creating)
    {
        var tag = Tag();
        var job = new Option<string?>("--job") { Description = "The registered job type each run dispatches." };
        var payload = new Option<string?>("--payload") { Description = "The payload as JSON (create: default {})." };
        var every = new Option<string?>("--every") { Description = "Run every interval, e.g. 00:05:00 (d.hh:mm:ss)." };
        var cron = new Option<string?>("--cron") { Description = "Run by a cron expression, e.g. \"0 3 * * *\" (five fields, or six with seconds)." };
        var zone = new Option<string?>("--tz") { Description = "The cron expression's time zone, e.g. Europe/Paris (default UTC)." };
        var maxExecutions = new Option<int?>("--max-executions") { Description = "Runs allowed in all; 0 for no limit." };
        var noOverlap = new Option<bool?>("--no-overlap") { Description = "A run waits until the previous run's job is final (--no-overlap false to allow overlap)." };
        var startAt = new Option<string?>("--start-at") { Description = "No run before this time, ISO 8601 (UTC unless an offset is given)." };
        var queue = new Option<string?>("--queue") { Description = "The queue each run's job goes to (default: the job type's)." };
        var priority = new Option<int?>("--priority") { Description = "Each run's job priority." };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Each run's job attempts (default: the job type's retry policy)." };
        var paused = new Option<bool>("--paused") { Description = "Create the recurring job paused." };
        var command = creating
            ? new Command("create", "Create a recurring job: TAG --job TYPE --payload JSON (--every INTERVAL | --cron EXPR [--tz ZONE]).") { tag, job, payload, every, cron, zone, maxExecutions, noOverlap, startAt, queue, priority, maxAttempts, paused }
            : new Command("update", "Change a recurring job: only the options given change; the executions so far are kept.") { tag, job, payload, every, cron, zone, maxExecutions, noOverlap, startAt, queue, priority, maxAttempts };
        command.SetAction(async (result, ct) =>
        {
            if (!creating && result.GetValue(job) is null && result.GetValue(payload) is null)
            {
                // Only timing, limits or options change: the stored job type and payload stay as they are, so the
                // job type need not be registered here (the application's own schedules).
                var change = new StoredChange(
                    result.GetValue(every), result.GetValue(cron), result.GetValue(zone), result.GetValue(maxExecutions), result.GetValue(noOverlap),
                    result.GetValue(startAt), result.GetValue(queue), result.GetValue(priority), result.GetValue(maxAttempts));
                return await UpdateStoredAsync(StoreOf(result, set), result.GetValue(tag)!, change, ct).ConfigureAwait(false);
            }

            var configuration = CliConfiguration.Build(result.GetValue(set));
            using var host = CliHost.Build(configuration, LogLevel.Warning);
            if (configuration.GetValue("JobRunners:MigrateOnStartup", true))
            {
                // As an application's startup would: the schedule tables come with the store's migrations.
                await host.Services.GetRequiredService<JobRunners.Extensibility.IJobStore>().MigrateAsync(ct).ConfigureAwait(false);
            }

            var recurring = host.Services.GetRequiredService<IRecurringJobs>();
            var name = result.GetValue(tag)!;
            try
            {
                var existing = await recurring.GetAsync(name, ct).ConfigureAwait(false);
                if (creating && existing is not null)
                {
                    await Console.Error.WriteLineAsync($"A recurring job tagged '{name}' already exists: change it with `jobrunners schedules update {name} ...`.").ConfigureAwait(false);
                    return 1;
                }

                if (!creating && existing is null)
                {
                    return await NotFoundAsync(name).ConfigureAwait(false);
                }

                using var payloadJson = JsonDocument.Parse(result.GetValue(payload) ?? existing?.Payload ?? "{}");
                var definition = new RecurringJob
                {
                    Tag = name,
                    JobType = result.GetValue(job) ?? existing?.JobType
                        ?? throw new InvalidScheduleException("Give the job type each run dispatches with --job TYPE."),
                    Payload = payloadJson.RootElement.Clone(),
                    Schedule = TimingFrom(result.GetValue(every), result.GetValue(cron), result.GetValue(zone), existing),
                    MaxExecutions = result.GetValue(maxExecutions) ?? existing?.MaxExecutions ?? 0,
                    NoOverlap = result.GetValue(noOverlap) ?? existing?.NoOverlap ?? false,
                    StartAt = ParseStart(result.GetValue(startAt)) ?? existing?.StartAt,
                    QueueName = result.GetValue(queue) ?? existing?.QueueName,
                    Priority = result.GetValue(priority) ?? existing?.Priority ?? 0,
                    MaxAttempts = result.GetValue(maxAttempts) ?? existing?.MaxAttempts,
                    Paused = creating && result.GetValue(paused),
                };
                var saved = await recurring.AddOrUpdateAsync(definition, ct).ConfigureAwait(false);
                await Console.Out.WriteLineAsync($"Recurring job {saved.Tag} {(creating ? "created" : "updated")}: {saved.JobType}, {Timing(saved)}, next run {When(saved.NextRunAt)}{(saved.Paused ? " (paused)" : "")}.").ConfigureAwait(false);
                return 0;
            }
            catch (JsonException ex)
            {
                await Console.Error.WriteLineAsync($"--payload is not valid JSON: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (JobRunnerException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static Command Change(Option<string[]> set, string name, string description, Func<IScheduleStore, string, CancellationToken, ValueTask<bool>> change, string done)
    {
        var tag = Tag();
        var command = new Command(name, description) { tag };
        command.SetAction(async (result, ct) =>
        {
            var value = result.GetValue(tag)!;
            if (!await change(StoreOf(result, set), value, ct).ConfigureAwait(false))
            {
                return await NotFoundAsync(value).ConfigureAwait(false);
            }

            await Console.Out.WriteLineAsync($"Recurring job {value} {done}.").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Schedule TimingFrom(string? every, string? cron, string? zone, JobSchedule? existing)
    {
        if (every is not null && cron is not null)
        {
            throw new InvalidScheduleException("Give --every or --cron, not both.");
        }

        if (every is not null)
        {
            return TimeSpan.TryParse(every, CultureInfo.InvariantCulture, out var interval)
                ? Schedule.Every(interval)
                : throw new InvalidScheduleException($"--every '{every}' is not an interval: use d.hh:mm:ss, e.g. 00:05:00 for five minutes.");
        }

        if (cron is not null)
        {
            return Schedule.Cron(cron, zone);
        }

        return existing?.Kind switch
        {
            ScheduleKind.Interval => Schedule.Every(existing.Interval!.Value),
            ScheduleKind.Cron => Schedule.Cron(existing.Cron!, zone ?? existing.TimeZone),
            ScheduleKind.Code => throw new InvalidScheduleException($"'{existing.Tag}' runs by a next-run function defined in code: change it there, or replace it with --every or --cron."),
            _ => throw new InvalidScheduleException("Give the schedule: --every 00:05:00, or --cron \"0 3 * * *\" [--tz Europe/Paris]."),
        };
    }

    private static DateTimeOffset? ParseStart(string? text) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value) ? value
        : throw new InvalidScheduleException($"--start-at '{text}' is not a time: use ISO 8601, e.g. 2025-06-01T03:00:00Z.");

    private static IEnumerable<DateTimeOffset> Coming(JobSchedule schedule)
    {
        if (schedule.NextRunAt is not { } next || schedule.Kind == ScheduleKind.Code || schedule.Paused)
        {
            yield break;
        }

        var timing = schedule.Kind == ScheduleKind.Interval ? Schedule.Every(schedule.Interval!.Value) : Schedule.Cron(schedule.Cron!, schedule.TimeZone);
        var left = schedule.MaxExecutions == 0 ? 3 : Math.Min(3, schedule.MaxExecutions - schedule.Executions);
        for (DateTimeOffset? at = next; at is { } run && left-- > 0; at = timing.GetNextRun(run))
        {
            yield return run;
        }
    }

    private static Argument<string> Tag() => new("tag") { Description = "The recurring job's tag." };

    private static IScheduleStore StoreOf(ParseResult result, Option<string[]> set) =>
        CliStores.CreateScheduleStore(CliConfiguration.Build(result.GetValue(set)), TimeProvider.System);

    private static async Task<int> NotFoundAsync(string tag)
    {
        await Console.Error.WriteLineAsync($"No recurring job is tagged '{tag}'; `jobrunners schedules list` shows them all.").ConfigureAwait(false);
        return 1;
    }

    private static string Timing(JobSchedule s) => s.Kind switch
    {
        ScheduleKind.Interval => string.Create(CultureInfo.InvariantCulture, $"every {s.Interval:c}"),
        ScheduleKind.Cron => $"cron {s.Cron} ({s.TimeZone ?? "UTC"})",
        _ => "function (code)",
    };

    private static string State(JobSchedule s) =>
        s.PendingRunAt is not null ? "dispatching" : s.Paused ? "paused" : s.IsCompleted ? "completed" : "active";

    private static string When(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    private static string Pretty(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
