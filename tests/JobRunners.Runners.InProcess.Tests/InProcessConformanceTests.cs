using JobRunners.Conformance;
using NUnit.Framework;

namespace JobRunners.Runners.InProcess.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class InProcessConformanceTests : RunnerConformanceTests
{
    protected override string RunnerName => "in-process";

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddInProcessRunner();
}
