using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using JobRunners.Runners.Aws;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.AwsSqs;

/// <summary>
/// The configured queue as the runner and the worker share it: the client (the application's own
/// <see cref="IAmazonSQS"/> when it registered one, else built on first use, so an unconfigured runner fails at
/// the configuration check, not in a constructor), the credentials, and the queue attributes read once.
/// </summary>
internal sealed class SqsQueue : IDisposable
{
    private readonly ILogger<SqsQueue> _logger;
    private readonly Lock _lock = new();
    private readonly IAmazonSQS? _appClient;
    private (AWSCredentials? Credentials, string? Problem)? _credentials;
    private AmazonSQSClient? _client;
    private AmazonSQSClient? _receiveClient;
    private SqsQueueAttributes? _attributes;

    /// <param name="options">The runner's settings.</param>
    /// <param name="logger">The log.</param>
    /// <param name="appClient">
    /// The application's client from dependency injection, if any: used for every call, and left to its owner
    /// (the container) to dispose.
    /// </param>
    public SqsQueue(IOptions<AwsSqsOptions> options, ILogger<SqsQueue> logger, IAmazonSQS? appClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        _logger = logger;
        _appClient = appClient;
    }

    /// <summary>True when the application supplied the client, so region, endpoint and credential settings are not used.</summary>
    public bool UsesAppClient => _appClient is not null;

    public AwsSqsOptions Options { get; }

    /// <summary>The queue URL (checked by <see cref="Check"/> before anything is sent).</summary>
    public string QueueUrl => Options.QueueUrl ?? throw new JobRunnerException($"{AwsSqsSettings.QueueUrl} is not set.");

    /// <summary>True for a FIFO queue (its URL ends in <c>.fifo</c>).</summary>
    public bool IsFifo => IsFifoUrl(Options.QueueUrl);

    /// <summary>The client for every call but the long-poll receive, created on first use.</summary>
    /// <exception cref="JobRunnerException">The runner is not fully configured.</exception>
    public IAmazonSQS Client
    {
        get
        {
            if (_appClient is not null)
            {
                return _appClient;
            }

            lock (_lock)
            {
                return _client ??= CreateClient(Options.RequestTimeout);
            }
        }
    }

    /// <summary>
    /// The client for receives, whose tries may also take the long-poll wait. Separate because the SDK sets the
    /// timeout per client: one allowing the long poll would let every send hang that much longer in an outage.
    /// </summary>
    /// <exception cref="JobRunnerException">The runner is not fully configured.</exception>
    public IAmazonSQS ReceiveClient
    {
        get
        {
            if (_appClient is not null)
            {
                return _appClient;
            }

            lock (_lock)
            {
                if (Options.ReceiveWaitTime <= TimeSpan.Zero)
                {
                    return _client ??= CreateClient(Options.RequestTimeout);
                }

                return _receiveClient ??= CreateClient(Options.ReceiveWaitTime + Options.RequestTimeout);
            }
        }
    }

    public static bool IsFifoUrl(string? url) => url?.EndsWith(".fifo", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Every missing or unusable setting, credentials included unless the application supplied the client.</summary>
    public RunnerConfiguration Check(string runner)
    {
        var missing = AwsSqsSettings.Check(Options, clientSupplied: _appClient is not null);
        if (_appClient is not null)
        {
            // The application's client carries its own per-try timeout; a receive must be allowed to wait out the long poll.
            if (_appClient.Config?.Timeout is { } timeout && Options.ReceiveWaitTime > TimeSpan.Zero && timeout <= Options.ReceiveWaitTime)
            {
                missing.Add(new MissingSetting(AwsSqsSettings.ReceiveWaitTime, $"the application's IAmazonSQS allows {timeout} per try, no more than the long poll's {Options.ReceiveWaitTime}: raise the client's Timeout or lower {AwsSqsSettings.ReceiveWaitTime}."));
            }

            return new RunnerConfiguration(runner, missing);
        }

        AWSCredentials? credentials;
        string? problem;
        lock (_lock)
        {
            (credentials, problem) = ResolveCredentials();
        }

        if (credentials is null)
        {
            missing.Add(new MissingSetting(AwsSqsSettings.Credentials, problem ?? "none were found."));
        }

        return new RunnerConfiguration(runner, missing);
    }

    /// <summary>
    /// The queue's size limit and redrive policy, read once. Without permission to read them the defaults are
    /// assumed (and kept); other failures are thrown and the next call tries again.
    /// </summary>
    public async ValueTask<SqsQueueAttributes> GetAttributesAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _attributes) is { } known)
        {
            return known;
        }

        SqsQueueAttributes read;
        try
        {
            var response = await Client.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = QueueUrl, AttributeNames = SqsQueueAttributes.Names }, cancellationToken).ConfigureAwait(false);
            read = SqsQueueAttributes.Parse(response.Attributes);
        }
        catch (AmazonServiceException ex) when (SqsErrors.IsAccessDenied(ex))
        {
            AwsSqsLog.QueueAttributesUnreadable(_logger, QueueUrl, ex.ErrorCode, SqsQueueAttributes.DefaultMaxMessageSize);
            read = SqsQueueAttributes.Default;
        }

        Volatile.Write(ref _attributes, read);
        return read;
    }

    /// <summary>The largest message the queue takes; the classic 256 KiB when its attributes cannot be read now.</summary>
    public async ValueTask<int> GetMaxMessageSizeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await GetAttributesAsync(cancellationToken).ConfigureAwait(false)).MaxMessageSize;
        }
        catch (AmazonServiceException ex) when (!SqsErrors.IsMissingQueue(ex))
        {
            AwsSqsLog.MessageSizeLimitUnreadable(_logger, ex, QueueUrl, SqsQueueAttributes.DefaultMaxMessageSize);
            return SqsQueueAttributes.DefaultMaxMessageSize;
        }
    }

    public void Dispose()
    {
        // Only the clients built here: the application's client belongs to the container.
        lock (_lock)
        {
            _client?.Dispose();
            _client = null;
            _receiveClient?.Dispose();
            _receiveClient = null;
        }
    }

    // Called under _lock.
    private AmazonSQSClient CreateClient(TimeSpan timeout)
    {
        var (credentials, problem) = ResolveCredentials();
        var missing = AwsSqsSettings.Check(Options);
        if (credentials is null || missing.Count > 0)
        {
            var all = missing.Select(m => m.ToString()).Append(problem is null ? null : $"{AwsSqsSettings.Credentials} ({problem})").OfType<string>();
            throw new JobRunnerException("The aws-sqs runner is not fully configured: " + string.Join("; ", all));
        }

        return SqsClientFactory.Create(AwsSqsSettings.Client(Options, timeout), credentials);
    }

    // Called under _lock: a resolved chain is kept (it refreshes itself); a failure is tried again next time.
    private (AWSCredentials? Credentials, string? Problem) ResolveCredentials()
    {
        if (_credentials is { Credentials: not null } resolved)
        {
            return resolved;
        }

        var result = AwsCredentialResolver.Resolve(AwsSqsSettings.Client(Options, Options.RequestTimeout));
        _credentials = result;
        return result;
    }
}
