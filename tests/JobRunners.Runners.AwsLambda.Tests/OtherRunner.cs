using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>
/// A runner other than aws-lambda, selected in a function that consumes SQS events (in production that is
/// aws-sqs). It accepts everything and runs nothing: the tests only need the function side to work without the
/// Lambda runner selected.
/// </summary>
internal sealed class OtherRunner(JobRunnerServices services) : JobRunnerBase(services)
{
    public const string RunnerName = "other";

    public override string Name => RunnerName;

    public static void Register(JobRunnersBuilder jobs) =>
        jobs.AddRunner(RunnerName, sp => new OtherRunner(sp.GetRequiredService<JobRunnerServices>()));

    protected override ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    protected override ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
