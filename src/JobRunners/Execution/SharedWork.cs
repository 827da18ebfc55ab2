namespace JobRunners.Execution;

/// <summary>
/// Starts work that serves every attempt (the heartbeat, the batched outcome writes) without the ambient state of the
/// attempt that happened to start it: otherwise its log lines would carry that one job's logging scope for good.
/// </summary>
internal static class SharedWork
{
    public static void Start(Func<Task> work)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            _ = Task.Run(work);
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(work);
        }
    }
}
