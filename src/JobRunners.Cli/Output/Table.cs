using System.Globalization;

namespace JobRunners.Cli.Output;

/// <summary>Formats job rows as fixed-width text for the terminal.</summary>
internal static class Table
{
    private static readonly string Header = $"{"ID",5}  {"TYPE",-15} {"STATUS",-10} {"TRY",-5} {"PROGRESS",-16} MESSAGE";

    public static IEnumerable<string> Render(IEnumerable<JobRequest> rows)
    {
        yield return Header;
        foreach (var row in rows)
        {
            yield return Line(row);
        }
    }

    public static string Line(JobRequest row)
    {
        var message = row.Status == JobStatus.Failed ? row.LastError
            : row.Status == JobStatus.Queued && row.LastError is not null ? $"retry at {row.RunAt.ToString("HH:mm:ss.f", CultureInfo.InvariantCulture)}: {row.LastError}"
            : row.ResultMessage;
        return string.Create(CultureInfo.InvariantCulture, $"{row.Id,5}  {Clip(row.JobType, 15),-15} {row.Status.ToStoredValue(),-10} {row.Attempts}/{row.MaxAttempts,-3} {Bar(row.Progress),-16} {Clip(message ?? "", 90)}");
    }

    public static string Bar(int progress)
    {
        var filled = Math.Clamp(progress / 10, 0, 10);
        return string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('.', 10 - filled)}]{progress,3}%");
    }

    public static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "~";
}
