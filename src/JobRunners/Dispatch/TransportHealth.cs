namespace JobRunners.Extensibility;

/// <summary>
/// What a transport found when it checked its backend (<see cref="IJobTransport.CheckHealthAsync"/>): reachable or
/// not, and one line saying what was checked or what failed, without secrets or a stack trace.
/// </summary>
/// <param name="Reachable">True when the backend answered as expected.</param>
/// <param name="Description">What was checked, or the backend's error.</param>
public readonly record struct TransportHealth(bool Reachable, string Description)
{
    /// <summary>The default for backends with nothing of their own to check (the row is the queue, or it is in this process).</summary>
    public static TransportHealth NothingToCheck { get; } = new(true, "nothing to check: the backend is this process or the store");

    /// <summary>The backend answered.</summary>
    public static TransportHealth Healthy(string description) => new(true, description);

    /// <summary>The backend did not answer, or answered with an error.</summary>
    public static TransportHealth Unreachable(string description) => new(false, description);
}
