using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using JobRunners.Cli.Demo;
using JobRunners.Cli.Output;

namespace JobRunners.Cli.Commands;

/// <summary>`jobrunners jobs list` and `jobrunners jobs show ID`: read job rows.</summary>
internal static class JobsCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly HashSet<string> Statuses = new(StringComparer.OrdinalIgnoreCase) { "queued", "running", "succeeded", "failed", "cancelled" };

    public static Command Create(Option<string[]> set)
    {
        var status = new Option<string?>("--status") { Description = "Only rows in this status: queued, running, succeeded, failed, cancelled." };
        var type = new Option<string?>("--type") { Description = "Only rows of this job type." };
        status.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string?>();
            if (text is not null && !Statuses.Contains(text))
            {
                result.AddError($"--status '{text}' is not a job status: use queued, running, succeeded, failed or cancelled.");
            }
        });
        var limit = new Option<int>("--limit") { Description = "At most this many rows (1 to 10000), newest first.", DefaultValueFactory = _ => 20 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 10_000)
            {
                result.AddError($"--limit {result.GetValueOrDefault<int>()} is out of range: give 1 to 10000.");
            }
        });
        var list = new Command("list", "List job rows, newest first.") { status, type, limit };
        list.SetAction(async (result, ct) =>
        {
            var store = CliStores.CreateJobStore(CliConfiguration.Build(result.GetValue(set)), TimeProvider.System);
            var statusText = result.GetValue(status);
            var query = new JobQuery
            {
                Status = statusText is null ? null : JobStatusExtensions.ParseStatus(statusText),
                JobType = result.GetValue(type),
                Limit = result.GetValue(limit),
            };
            var rows = await store.ListAsync(query, ct).ConfigureAwait(false);
            foreach (var line in Table.Render(rows))
            {
                await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
            }

            return 0;
        });

        var id = new Argument<long>("id") { Description = "The job row id." };
        var show = new Command("show", "Show one job row with every column and its payload.") { id };
        show.SetAction(async (result, ct) =>
        {
            var store = CliStores.CreateJobStore(CliConfiguration.Build(result.GetValue(set)), TimeProvider.System);
            var row = await store.GetAsync(result.GetValue(id), ct).ConfigureAwait(false);
            if (row is null)
            {
                await Console.Error.WriteLineAsync($"No job row has id {result.GetValue(id)} (it may have been pruned after its retention period); `jobrunners jobs list` shows the newest.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            await Console.Out.WriteLineAsync(Describe(row)).ConfigureAwait(false);
            return 0;
        });

        return new Command("jobs", "Read job rows.") { list, show };
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
            $"attempts:       {row.Attempts} of {row.MaxAttempts}",
            $"result:         {row.ResultMessage ?? "-"}",
            $"last error:     {row.LastError ?? "-"}",
            $"priority:       {row.Priority}",
            $"run at:         {When(row.RunAt)}",
            $"unique key:     {row.UniqueKey ?? "-"}",
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
