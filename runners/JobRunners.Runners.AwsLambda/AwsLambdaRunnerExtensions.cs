using JobRunners.Runners.AwsLambda;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JobRunners;

/// <summary>Registers the AWS Lambda runner.</summary>
public static class AwsLambdaRunnerExtensions
{
    /// <summary>
    /// Makes <c>JOB_RUNNER=aws-lambda</c> available: every job or task is an asynchronous invocation of the worker
    /// function, which runs it with <see cref="JobRunnersLambdaFunction"/> (or <see cref="LambdaEventProcessor"/>).
    /// Settings live under <c>JobRunners:AwsLambda</c> (<c>FunctionName</c>, <c>Region</c>, <c>ServiceUrl</c>,
    /// <c>Qualifier</c>, credentials, limits), with flat names such as <c>WORKER_LAMBDA_FUNCTION_NAME</c> and
    /// <c>AWS_REGION</c>. There is no worker to enable here: the function is the worker.
    /// </summary>
    /// <param name="builder">The JobRunners builder.</param>
    /// <param name="configure">Changes the settings after they are read from configuration.</param>
    /// <returns>The builder.</returns>
    public static JobRunnersBuilder AddAwsLambdaRunner(this JobRunnersBuilder builder, Action<AwsLambdaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRunner<AwsLambdaTransport>(
            AwsLambdaTransport.RunnerName,
            services =>
            {
                var options = builder.AddRunnerOptions<AwsLambdaOptions>(
                    AwsLambdaTransport.RunnerName,
                    AwsLambdaOptions.SectionName,
                    AwsLambdaSettings.ApplyOverrides,
                    (_, o) => AwsLambdaSettings.Check(o).Count == 0 ? [] : AwsLambdaSettings.CheckWithCredentials(o),
                    AwsLambdaSettings.ApplyFallbacks);
                if (configure is not null)
                {
                    options.Configure(configure);
                }

            });
    }
}
