namespace JobRunners.Conformance.Storage;

/// <summary>
/// Wakes concurrent test workers when another one changed something, without polling: take <see cref="Next"/>
/// before looking, and wait on it when there was nothing to do. A change made after <see cref="Next"/> was taken
/// completes it, so no wake-up is lost between looking and waiting.
/// </summary>
internal sealed class ProgressSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Records a change: wakes everyone waiting on the <see cref="Next"/> they took before it.</summary>
    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
