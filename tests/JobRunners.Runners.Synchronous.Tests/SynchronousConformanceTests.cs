using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.Synchronous.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class SynchronousConformanceTests : RunnerConformanceTests
{
    protected override string RunnerName => "sync";

    protected override bool RunsInline => true;

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddSynchronousRunner();
}
