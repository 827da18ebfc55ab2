using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Tests.CustomRunner;

/// <summary>The README's custom runner passes the same conformance kit as the shipped runners.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class ThreadPoolRunnerConformanceTests : RunnerConformanceTests
{
    protected override string RunnerName => "thread-pool";

    protected override void AddRunner(JobRunnersBuilder jobs) =>
        jobs.AddRunner("thread-pool", sp => new ThreadPoolJobRunner(sp.GetRequiredService<JobRunnerServices>()));
}
