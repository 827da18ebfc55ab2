namespace JobRunners.Cli;

/// <summary>Every runner the CLI can select with JOB_RUNNER.</summary>
internal static class CliRunners
{
    public static JobRunnersBuilder AddAllRunners(this JobRunnersBuilder jobs) => jobs
        .AddInProcessRunner()
        .AddSynchronousRunner()
        .AddAwsSqsRunner()
        .AddAzureQueueRunner()
        .AddAwsLambdaRunner()
        .AddPostgreSqlRunner();
}
