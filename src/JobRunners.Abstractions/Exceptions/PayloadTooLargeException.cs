namespace JobRunners;

/// <summary>A task payload is larger than the backend accepts in one message.</summary>
public sealed class PayloadTooLargeException : JobRunnerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="runner">The runner whose backend limits the size.</param>
    /// <param name="name">The task name.</param>
    /// <param name="size">The message size in bytes.</param>
    /// <param name="limit">The backend's limit in bytes.</param>
    public PayloadTooLargeException(string runner, string name, long size, long limit)
        : base($"The message for task '{name}' is {size:N0} bytes, over the {runner} limit of {limit:N0} bytes. Dispatch it as a job instead (a job's payload stays in its row and only the id travels), or send a reference to the data rather than the data.")
    {
        Runner = runner;
        Name = name;
        Size = size;
        Limit = limit;
    }

    /// <summary>The runner whose backend limits the size.</summary>
    public string Runner { get; }

    /// <summary>The task name.</summary>
    public string Name { get; }

    /// <summary>The message size in bytes.</summary>
    public long Size { get; }

    /// <summary>The limit in bytes.</summary>
    public long Limit { get; }
}
