namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>
/// A runner other than aws-lambda, selected in a function that consumes SQS events (in production that is
/// aws-sqs). It accepts everything and runs nothing: the tests only need the function side to work without the
/// Lambda runner selected.
/// </summary>
internal sealed class OtherTransport : IJobTransport
{
    public const string RunnerName = "other";

    public static void Register(JobRunnersBuilder jobs) => jobs.AddRunner<OtherTransport>(RunnerName);

    public ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
