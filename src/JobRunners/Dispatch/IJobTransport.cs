namespace JobRunners;

/// <summary>
/// The part of a runner that is specific to its backend: hand a job or a task over to it. Register an implementation
/// with <see cref="JobRunnersBuilder.AddRunner{TTransport}(string, Action{Microsoft.Extensions.DependencyInjection.IServiceCollection}?, Action{Microsoft.Extensions.DependencyInjection.IServiceCollection}?)"/>:
/// the core's dispatcher does everything else, the same for every runner: it validates the payload, writes the
/// row first, marks it dispatched once the transport accepted it, and keeps it for the outbox when the transport
/// refused it; maintenance re-sends rows whose message was lost, and rescues rows whose worker died. Whatever
/// consumes the backend runs each job with <see cref="JobExecutor.ExecuteJobAsync"/> (the claim there makes a
/// duplicate delivery harmless) and each task with <see cref="JobExecutor.ExecuteTaskAsync"/>.
/// </summary>
public interface IJobTransport
{
    /// <summary>What the dispatcher and maintenance may expect of this backend.</summary>
    JobTransportTraits Traits => JobTransportTraits.Default;

    /// <summary>What is missing before the transport can send; checked at start. The default needs nothing.</summary>
    /// <param name="runnerName">The name the transport is registered under, for messages.</param>
    RunnerConfiguration CheckConfiguration(string runnerName) => RunnerConfiguration.Ok(runnerName);

    /// <summary>
    /// Hands a job over to the backend (the row exists and is queued). Throw when the backend did not take it: the row
    /// stays for the outbox, which calls this again.
    /// </summary>
    ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken);

    /// <summary>Hands a task over to the backend. Throw when the backend did not take it: the caller sees the error.</summary>
    ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken);
}

/// <summary>What a backend guarantees, which decides what the core does around its sends.</summary>
/// <param name="MaxNativeDelay">
/// The longest delay the backend holds a message for before delivering it; a job due later waits in its row and is
/// sent when it comes due. Zero (the default): every delayed job waits in its row.
/// </param>
/// <param name="MessagesCanBeLost">
/// True (the default) when a message the backend accepted may still never be delivered (a purge, an expiry, a
/// restart): maintenance then sends a row again that stayed queued and unclaimed past <c>RedeliverAfter</c>.
/// </param>
public sealed record JobTransportTraits(TimeSpan MaxNativeDelay, bool MessagesCanBeLost)
{
    /// <summary>No native delay; messages can be lost.</summary>
    public static JobTransportTraits Default { get; } = new(TimeSpan.Zero, true);
}
