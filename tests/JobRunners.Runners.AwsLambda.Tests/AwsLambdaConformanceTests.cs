using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>
/// The conformance kit for aws-lambda: every dispatch goes through serverless-offline's Invoke API, its Node
/// handler forwards the event to this process, and the .NET handler runs it against the test host's store.
/// Not parallel: the forward listener's port is fixed.
/// </summary>
[TestFixture]
public sealed class AwsLambdaConformanceTests : RunnerConformanceTests
{
    protected override string RunnerName => "aws-lambda";

    // ShortShutdownSettings stays null: jobs run in the function (here the forwarded invocation), which stopping
    // the dispatching host does not interrupt; an invocation cut off by its timeout is rescued when its lease lapses.

    protected override IReadOnlyDictionary<string, string?>? UnconfiguredSettings => new Dictionary<string, string?>
    {
        ["JobRunners:AwsLambda:FunctionName"] = "",
        ["JobRunners:AwsLambda:Region"] = "",
    };

    protected override IReadOnlyList<string> ExpectedMissingSettings => ["JobRunners:AwsLambda:FunctionName", "JobRunners:AwsLambda:Region"];

    [OneTimeSetUp]
    public static async Task RequireLocalLambda()
    {
        await LocalLambda.RequireAsync();
        ForwardListener.EnsureStarted();
    }

    protected override void AddRunner(JobRunnersBuilder jobs)
    {
        jobs.AddAwsLambdaRunner();
        jobs.Services.AddHostedService<ForwardTarget>();
    }

    protected override void AddSettings(IDictionary<string, string?> settings) => LocalLambda.AddSettings(settings);
}
