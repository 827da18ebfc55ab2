namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>Counts handler invocations; completes a task when the expected number has run.</summary>
internal sealed class CompletionCounter
{
    private long _count;
    private long _target = long.MaxValue;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Starts counting from zero towards <paramref name="target"/>.</summary>
    public Task Expect(long target)
    {
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _target, target);
        return _reached.Task;
    }

    public void Increment()
    {
        if (Interlocked.Increment(ref _count) == Interlocked.Read(ref _target))
        {
            _reached.TrySetResult();
        }
    }
}
