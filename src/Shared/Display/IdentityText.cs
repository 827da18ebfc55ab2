using System.Globalization;

namespace JobRunners;

/// <summary>A row's identity scope in words, as `jobrunners jobs show` and the dashboard's job page print it.</summary>
internal static class IdentityText
{
    /// <summary>
    /// How long the row holds its identity: "while unfinished", "for 01:00:00 after dispatch (until ... UTC) and while
    /// unfinished" or "forever", with ", within queue Q" when per queue; "-" without an identity.
    /// </summary>
    public static string Held(JobRequest row)
    {
        if (row.UniqueKey is null)
        {
            return "-";
        }

        var held = row.UniqueUntil switch
        {
            null => "while unfinished",
            { } until when until == DateTimeOffset.MaxValue => "forever",
            { } until => string.Create(CultureInfo.InvariantCulture, $"for {until - row.CreatedAt} after dispatch (until {until:yyyy-MM-dd HH:mm:ss 'UTC'}) and while unfinished"),
        };
        return row.UniquePerQueue ? $"{held}, within queue {row.QueueName}" : held;
    }
}
