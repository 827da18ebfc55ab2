namespace JobRunners.Extensibility;

/// <summary>What a backend guarantees, which decides what the core does around a transport's sends.</summary>
public sealed record JobTransportTraits
{
    /// <summary>No native delay; messages can be lost; a row is accepted only once sent.</summary>
    public static JobTransportTraits Default { get; } = new();

    /// <summary>
    /// The longest delay the backend holds a message for before delivering it (<see cref="TimeSpan.MaxValue"/>:
    /// unlimited); a job due later waits in its row and the outbox sends it when it comes due. Zero (the default):
    /// every delayed job waits in its row.
    /// </summary>
    public TimeSpan MaxNativeDelay { get; init; }

    /// <summary>
    /// True (the default) when a message the backend accepted may still never be delivered (a purge, an expiry, a
    /// restart): maintenance then sends a row again that stayed queued and unclaimed past
    /// <see cref="JobRunnersOptions.RedeliverAfter"/>. False for backends whose workers find queued rows in the store.
    /// </summary>
    public bool MessagesCanBeLost { get; init; } = true;

    /// <summary>
    /// True when the row is the queue (an in-process pool, the <c>postgres</c> runner): a due row is written already
    /// marked dispatched, saving a round trip, and a row maintenance hands over again is marked before the send, so
    /// a worker woken by it finds the row as its own. Default false: a row is marked once the transport took it.
    /// </summary>
    public bool AcceptsOnWrite { get; init; }

    /// <summary>
    /// True when every send is of a due row and every retry comes back through the outbox (a direct Lambda invoke).
    /// A queued row marked dispatched before its <c>run_at</c> was then marked by a late write that hid a retry, and
    /// maintenance sends it as soon as it is due. Default false.
    /// </summary>
    public bool SendsOnlyDueRows { get; init; }

    /// <summary>
    /// True when a send runs the job to its end (the <c>sync</c> runner): the dispatcher reads the row again after the
    /// send, so <see cref="IJobRunner.DispatchJobAsync"/> returns it finished. Default false.
    /// </summary>
    public bool ReturnsFinishedRow { get; init; }
}
