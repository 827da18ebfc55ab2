using Microsoft.Extensions.Hosting;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// The worker function's entry point for the managed .NET Lambda runtime, with no Amazon.Lambda.* package: derive
/// a class, register your jobs, tasks and runners in <see cref="ConfigureServices"/>, and point the function's
/// handler at <c>MyAssembly::MyNamespace.MyFunction::HandleAsync</c>. The runtime creates one instance per
/// execution environment; the host is built and started on the first invocation and reused after that.
/// <code>
/// public sealed class Function : JobRunnersLambdaFunction
/// {
///     protected override void ConfigureServices(HostApplicationBuilder builder) =>
///         builder.AddJobRunners(jobs => jobs
///             .UsePostgreSql()
///             .AddAwsLambdaRunner()
///             .AddJob&lt;ReportPayload, ReportHandler&gt;("send-report"));
/// }
/// </code>
/// </summary>
public abstract class JobRunnersLambdaFunction : IAsyncDisposable
{
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private IHost? _host;

    /// <summary>
    /// Handles one invocation: a JobRunners envelope, an SQS event or a scheduled event (see
    /// <see cref="LambdaEventProcessor"/>). The managed runtime passes the event as a stream and returns the
    /// answer stream to the caller.
    /// </summary>
    /// <param name="input">The event JSON.</param>
    /// <returns>The answer JSON.</returns>
    /// <exception cref="JobRunnerException">The event cannot be handled or a task failed: Lambda records a function error and retries.</exception>
    public async Task<Stream> HandleAsync(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var host = await GetHostAsync(CancellationToken.None).ConfigureAwait(false);
        var output = new MemoryStream();
        await LambdaEventProcessor.ProcessAsync(host.Services, input, output, CancellationToken.None).ConfigureAwait(false);
        output.Position = 0;
        return output;
    }

    /// <summary>Stops the host, if one was started.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_host is { } host)
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            host.Dispose();
            _host = null;
        }

        _startLock.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Registers what the function runs: call <c>AddJobRunners</c> with the same jobs, tasks, store and runners as
    /// the application that dispatches them. Configuration already holds <c>appsettings.json</c> from the
    /// deployment package and the environment variables.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    protected abstract void ConfigureServices(HostApplicationBuilder builder);

    /// <summary>
    /// Creates the host builder (default: <see cref="Host.CreateApplicationBuilder()"/> rooted at the deployment
    /// package, so <c>appsettings.json</c>, environment variables and console logging, which Lambda sends to
    /// CloudWatch, are set up).
    /// </summary>
    protected virtual HostApplicationBuilder CreateBuilder() =>
        Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });

    /// <summary>Builds and starts the host once; a failed start is retried by the next invocation.</summary>
    private async Task<IHost> GetHostAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _host) is { } ready)
        {
            return ready;
        }

        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_host is { } started)
            {
                return started;
            }

            var builder = CreateBuilder();
            ConfigureServices(builder);
            var host = builder.Build();
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                host.Dispose();
                throw;
            }

            Volatile.Write(ref _host, host);
            return host;
        }
        finally
        {
            _startLock.Release();
        }
    }
}
