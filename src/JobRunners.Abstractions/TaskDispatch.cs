namespace JobRunners;

/// <summary>One task of a batch given to <see cref="IJobRunner.DispatchTasksAsync"/>.</summary>
/// <param name="TaskName">The registered task name.</param>
/// <param name="Payload">The payload.</param>
public sealed record TaskDispatch(string TaskName, object Payload);
