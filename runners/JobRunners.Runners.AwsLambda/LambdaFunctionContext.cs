using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// What the function side needs from a service provider, looked up once per provider. The function may run with
/// another runner selected (an SQS-triggered function usually has <c>JOB_RUNNER=aws-sqs</c> so the jobs it
/// dispatches go to its queue); then the Lambda settings are read from configuration directly.
/// </summary>
internal sealed class LambdaFunctionContext
{
    private static readonly ConditionalWeakTable<IServiceProvider, LambdaFunctionContext> Cache = [];

    private readonly Lazy<SqsVisibility> _visibility;

    private LambdaFunctionContext(IServiceProvider services)
    {
        Services = services;
        Executor = services.GetRequiredService<JobExecutor>();
        Store = services.GetRequiredService<JobRunners.Extensibility.IJobStore>();
        Runner = services.GetRequiredService<IJobRunner>();
        Time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        Logger = services.GetService<ILoggerFactory>()?.CreateLogger("JobRunners.AwsLambda.Function") ?? NullLogger.Instance;
        Transport = IsLambdaRunner(Runner) ? services.GetRequiredService<AwsLambdaTransport>() : null;
        Options = Transport?.Options ?? ReadOptions(services.GetService<IConfiguration>());
        _visibility = new(() => new SqsVisibility(Options, Logger));
    }

    public IServiceProvider Services { get; }

    public JobExecutor Executor { get; }

    /// <summary>Where job rows live.</summary>
    public JobRunners.Extensibility.IJobStore Store { get; }

    /// <summary>The selected runner: used to hand work to a fresh invocation and by the maintenance round.</summary>
    public IJobRunner Runner { get; }

    /// <summary>The Lambda transport when it is the selected runner's (it can invoke the function again); else null.</summary>
    public AwsLambdaTransport? Transport { get; }

    public AwsLambdaOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>Delays retried SQS messages (created on the first retry; lives as long as the provider).</summary>
    public SqsVisibility Visibility => _visibility.Value;

    public static LambdaFunctionContext For(IServiceProvider services) => Cache.GetValue(services, static s => new LambdaFunctionContext(s));

    private static bool IsLambdaRunner(IJobRunner runner) =>
        string.Equals(runner.Name, AwsLambdaTransport.RunnerName, StringComparison.OrdinalIgnoreCase);

    private static AwsLambdaOptions ReadOptions(IConfiguration? configuration)
    {
        configuration ??= new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var options = new AwsLambdaOptions();
        configuration.GetSection(AwsLambdaOptions.SectionName).Bind(options);
        AwsLambdaSettings.ApplyOverrides(configuration, options);
        AwsLambdaSettings.ApplyFallbacks(configuration, options);
        return options;
    }
}
