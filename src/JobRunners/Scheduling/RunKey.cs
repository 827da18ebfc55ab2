namespace JobRunners.Scheduling;

/// <summary>
/// The unique key a run's job is dispatched with: <c>schedule:TAG:TICKS</c>, from the run's due time. Every leader
/// derives the same key for the same run, so a re-dispatch after a crash finds or joins the first one's row.
/// </summary>
internal static class RunKey
{
    public static string For(string tag, DateTimeOffset dueAt) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"schedule:{tag}:{dueAt.UtcTicks}");
}
