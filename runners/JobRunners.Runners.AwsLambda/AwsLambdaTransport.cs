using System.Text;
using Amazon.Runtime;
using JobRunners.Runners.Aws;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// <c>JOB_RUNNER=aws-lambda</c>: each job or task is one asynchronous invocation of the worker function, whose
/// payload is the envelope (a job's carries only its row id). The function runs it through
/// <see cref="LambdaEventProcessor"/>.
/// </summary>
internal sealed class AwsLambdaTransport : IJobTransport, IDisposable
{
    public const string RunnerName = "aws-lambda";

    private readonly Lazy<(AWSCredentials? Credentials, string? Problem)> _credentials;
    private readonly Lazy<LambdaInvoker> _invoker;
    private readonly TimeProvider _time;

    public AwsLambdaTransport(IOptions<AwsLambdaOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        _time = time;

        // Resolving the standard chain may probe the network (instance metadata), so it happens once, on first need.
        _credentials = new(() => AwsCredentialResolver.Resolve(AwsLambdaSettings.Client(Options)));
        _invoker = new(CreateInvoker);
    }

    /// <summary>The settings, as read and completed from the flat names.</summary>
    public AwsLambdaOptions Options { get; }

    /// <summary>The Invoke API client (created on first use, once the settings check passed).</summary>
    internal LambdaInvoker Invoker => _invoker.Value;

    /// <summary>
    /// Lambda cannot hold an invocation back: a delayed job waits in its row (written undispatched) and the outbox
    /// invokes the function once it is due. Every invocation is of a due row, and the function hands every retry back
    /// to the outbox (<see cref="DirectInvocation"/>): a row marked dispatched before it was due had its retry hidden
    /// by a late mark. Invocations can be lost (Lambda discards an event after its retries).
    /// </summary>
    public JobTransportTraits Traits { get; } = new() { MaxNativeDelay = TimeSpan.Zero, SendsOnlyDueRows = true };

    public RunnerConfiguration CheckConfiguration(string runnerName)
    {
        var missing = AwsLambdaSettings.Check(Options);
        if (_credentials.Value.Problem is { } problem)
        {
            missing.Add(new MissingSetting(AwsLambdaSettings.Credentials, problem));
        }

        return new RunnerConfiguration(runnerName, missing);
    }

    /// <summary>The function's configuration answers (where the endpoint serves it; see <see cref="LambdaInvoker.CheckConfigurationAsync"/>).</summary>
    public async ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) =>
        await Invoker.CheckConfigurationAsync(cancellationToken).ConfigureAwait(false);

    public void Dispose()
    {
        if (_invoker.IsValueCreated)
        {
            _invoker.Value.Dispose();
        }
    }

    public ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new(InvokeAsync(JobEnvelope.ForJob(job).Serialize(), job.JobType, cancellationToken));
    }

    public async ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            await InvokeAsync(JobEnvelope.ForTask(task).Serialize(), task.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsLambdaInvokeException ex)
        {
            throw new JobDispatchException($"Task '{task.Name}' was not accepted by the {RunnerName} runner: {ex.Message}", null, ex);
        }
    }

    public async ValueTask<IReadOnlyList<Exception?>> SendJobsAsync(IReadOnlyList<JobRequest> jobs, bool redelivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return await SendConcurrentlyAsync(jobs, SendJobAsync, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<Exception?>> SendTasksAsync(IReadOnlyList<PreparedTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return await SendConcurrentlyAsync(tasks, SendTaskAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lambda has no batch invoke: the items go out as concurrent invocations, a bounded number at a time.</summary>
    private async Task<Exception?[]> SendConcurrentlyAsync<T>(IReadOnlyList<T> items, Func<T, CancellationToken, ValueTask> send, CancellationToken cancellationToken)
    {
        var errors = new Exception?[items.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxConcurrentInvokes, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), parallel, async (i, ct) =>
        {
            try
            {
                await send(items[i], ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors[i] = ex;
            }
        }).ConfigureAwait(false);
        return errors;
    }

    private async Task InvokeAsync(string envelope, string name, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(envelope);
        if (payload.Length > Options.MaxPayloadBytes)
        {
            throw new PayloadTooLargeException(RunnerName, name, payload.Length, Options.MaxPayloadBytes);
        }

        await Invoker.InvokeEventAsync(payload, cancellationToken).ConfigureAwait(false);
    }

    private LambdaInvoker CreateInvoker()
    {
        var check = CheckConfiguration(RunnerName);
        if (!check.FullyConfigured)
        {
            throw new RunnerNotConfiguredException(check);
        }

        return new LambdaInvoker(Options, _credentials.Value.Credentials!, _time);
    }
}
