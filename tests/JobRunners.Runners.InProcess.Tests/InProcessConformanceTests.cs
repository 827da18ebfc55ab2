using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.InProcess.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class InProcessConformanceTests : RunnerConformanceTests
{
    protected override string RunnerName => "in-process";

    // The rows are the queue: the worker picks up queued rows of its own at start, so nothing is re-sent.
    protected override bool ResendsLostMessages => false;

    protected override IReadOnlyDictionary<string, string?>? ShortShutdownSettings => new Dictionary<string, string?> { ["JobRunners:InProcess:ShutdownTimeout"] = "00:00:00.200" };

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddInProcessRunner();
}
