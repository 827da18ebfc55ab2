namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>
/// Counts handler invocations; completes a task when the expected number has run, or faults it when the system under
/// test reports that it broke (so a broken run ends at once instead of at the timeout).
/// </summary>
internal sealed class CompletionCounter
{
    private long _count;
    private long _target = long.MaxValue;
    private Exception? _failure;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Starts counting from zero towards <paramref name="target"/>.</summary>
    public Task Expect(long target)
    {
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _target, target);
        if (Volatile.Read(ref _failure) is { } failure)
        {
            _reached.TrySetException(failure);
        }

        return _reached.Task;
    }

    public void Increment()
    {
        if (Interlocked.Increment(ref _count) == Interlocked.Read(ref _target))
        {
            _reached.TrySetResult();
        }
    }

    /// <summary>The system cannot finish the run: the awaited task (this one and any later one) faults with <paramref name="failure"/>.</summary>
    public void Fail(Exception failure)
    {
        Interlocked.CompareExchange(ref _failure, failure, null);
        _reached.TrySetException(failure);
    }
}
