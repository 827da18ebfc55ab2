namespace JobRunners.Extensibility;

/// <content>
/// Why the store refused an attempt's result: read back from the row, so the log line says what happened to it
/// instead of guessing (a paused or partitioned worker's results must never vanish without a word).
/// </content>
public sealed partial class JobExecutor
{
    /// <summary>Why the store refused an attempt's result, and whether that is because the job was cancelled.</summary>
    private async ValueTask<(string Why, bool Cancelled)> ReadRefusalAsync(long id)
    {
        JobRequest? row;
        try
        {
            row = await _store.GetAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Only the explanation is lost; the refusal itself is still logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ($"the row could not be read back to say why ({ex.GetType().Name}: {ex.Message})", false);
        }

        var why = row switch
        {
            null => $"the row no longer exists in the {_store.Name} store (deleted or pruned)",
            { Status: JobStatus.Cancelled } => "the job was cancelled",
            { Status: JobStatus.Running, LockedBy: { } other } when other != WorkerId =>
                $"its lease lapsed and worker '{other}' took it over (attempt {row.Attempts})",
            { Status: JobStatus.Running } => $"its lease was renewed by this worker id for another attempt (attempt {row.Attempts})",
            { Status: JobStatus.Queued } => $"its lease lapsed and maintenance rescued it; it is queued to run again (attempt {row.Attempts} of {row.MaxAttempts} counted)",
            _ => $"it is already {row.Status.ToString().ToLowerInvariant()} (attempt {row.Attempts}), finished by another worker after its lease lapsed",
        };
        return (why, row?.Status == JobStatus.Cancelled);
    }
}
