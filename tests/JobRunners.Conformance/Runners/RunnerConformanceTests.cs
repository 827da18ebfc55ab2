namespace JobRunners.Conformance;

/// <summary>
/// The behaviour every runner must show, whatever its backend: tasks run once, job rows go queued -> running ->
/// succeeded, failures retry then fail with their error, progress is visible, jobs dispatch jobs, bad names and
/// payloads fail at dispatch, and missing settings stop startup. Derive a fixture, name the runner, register it,
/// and supply the settings it needs; each test starts its own host with the kit's probe tasks and jobs.
/// </summary>
public abstract partial class RunnerConformanceTests : RunnerTestBase
{
}
