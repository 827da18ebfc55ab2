namespace JobRunners.Scheduling;

/// <summary>
/// Wakes this process's idle scheduler when a schedule changes here (created, updated, paused, resumed, deleted),
/// so it does not sleep through a run that is now due earlier. Changes made by other processes are seen at the
/// scheduler's next look at the store (<see cref="RecurringSchedulerOptions.IdleCheckInterval"/>).
/// </summary>
internal sealed class ScheduleChanges : IDisposable
{
    private readonly SemaphoreSlim _changed = new(0, 1);

    public void Notify()
    {
        try
        {
            if (_changed.CurrentCount == 0)
            {
                _changed.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Waits for a change or <paramref name="timeout"/> on <paramref name="time"/>'s clock; true on a change.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await _changed.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _changed.Dispose();
}
