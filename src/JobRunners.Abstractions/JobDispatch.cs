namespace JobRunners;

/// <summary>One job of a batch given to <see cref="IJobRunner.DispatchJobsAsync"/>.</summary>
/// <param name="JobType">The registered job name.</param>
/// <param name="Payload">The payload.</param>
/// <param name="Options">Dispatch options, or null for the defaults.</param>
public sealed record JobDispatch(string JobType, object Payload, DispatchOptions? Options = null);
