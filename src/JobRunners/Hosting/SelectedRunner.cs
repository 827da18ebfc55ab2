namespace JobRunners;

/// <summary>Which runner this process uses, and why; for diagnostics such as <c>jobrunners doctor</c>.</summary>
/// <param name="Name">The runner in use.</param>
/// <param name="Configured">The value as configured (e.g. <c>legacy</c>).</param>
/// <param name="Source">The setting it came from: <c>JOB_RUNNER</c>, <c>JobRunners:Runner</c> or <c>default</c>.</param>
/// <param name="Registered">Every registered runner name.</param>
/// <param name="WorkerEnabled">True when this process also runs the runner's consuming side.</param>
internal sealed record SelectedRunner(string Name, string Configured, string Source, IReadOnlyCollection<string> Registered, bool WorkerEnabled);
