using System.Collections.Concurrent;
using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using JobRunners.Runners.Aws;
using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// Delays retried SQS messages until their jobs are due, as the SQS worker does: one
/// <c>ChangeMessageVisibilityBatch</c> call per queue and ten messages, through an AWSSDK.SQS client built with
/// the aws-sqs runner's factory and credential chain. Without it a message would come back after the queue's
/// visibility timeout, find the job not yet due, and use up receives until the redrive policy parks it. Best
/// effort: a message that could not be delayed still comes back after the queue's visibility timeout.
/// </summary>
internal sealed class SqsVisibility : IDisposable
{
    /// <summary>SQS keeps a message invisible for at most 12 hours.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromHours(12);

    /// <summary>SQS takes at most ten entries per batch call.</summary>
    private const int MaxBatch = 10;

    private readonly AwsLambdaOptions _options;
    private readonly ILogger _logger;
    private readonly (AWSCredentials? Credentials, string? Problem) _credentials;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AmazonSQSClient> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _queueUrls = new(StringComparer.Ordinal);

    public SqsVisibility(AwsLambdaOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _credentials = AwsCredentialResolver.Resolve(AwsLambdaSettings.Client(options));
    }

    /// <summary>
    /// Makes each message visible again after its delay (at most 12 hours); returns how many SQS accepted. What
    /// failed is logged, not thrown.
    /// </summary>
    public async Task<int> TryDelayAsync(IReadOnlyList<(SqsRecord Record, TimeSpan Delay)> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return 0;
        }

        if (_credentials.Credentials is not { } credentials)
        {
            AwsLambdaLog.SqsDelayNoCredentials(_logger, Ids(messages), _credentials.Problem);
            return 0;
        }

        var usable = new List<(SqsRecord Record, TimeSpan Delay, (string Region, string Account, string Name) Queue)>(messages.Count);
        foreach (var (record, delay) in messages)
        {
            if (record.ReceiptHandle is not null && ParseArn(record.EventSourceArn) is { } queue)
            {
                usable.Add((record, delay, queue));
            }
            else
            {
                AwsLambdaLog.SqsDelayNoReceiptOrQueue(_logger, record.MessageId, record.EventSourceArn);
            }
        }

        var delayed = 0;
        foreach (var queue in usable.GroupBy(m => m.Queue))
        {
            foreach (var batch in queue.Select(m => (m.Record, m.Delay)).Chunk(MaxBatch))
            {
                delayed += await DelayBatchAsync(queue.Key, batch, credentials, cancellationToken).ConfigureAwait(false);
            }
        }

        return delayed;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            _clients.Clear();
        }
    }

    /// <summary>Splits <c>arn:aws:sqs:region:account:name</c>; null when it is not one.</summary>
    internal static (string Region, string Account, string Name)? ParseArn(string? arn)
    {
        var parts = arn?.Split(':');
        return parts is { Length: 6 } && parts[0] == "arn" && parts[2] == "sqs" && parts.Skip(3).All(p => p.Length > 0)
            ? (parts[3], parts[4], parts[5])
            : null;
    }

    private async Task<int> DelayBatchAsync((string Region, string Account, string Name) queue, (SqsRecord Record, TimeSpan Delay)[] batch, AWSCredentials credentials, CancellationToken cancellationToken)
    {
        try
        {
            var client = ClientFor(queue.Region, credentials);
            var request = new ChangeMessageVisibilityBatchRequest
            {
                QueueUrl = await QueueUrlAsync(client, queue, cancellationToken).ConfigureAwait(false),
                Entries = batch.Select((m, i) => new ChangeMessageVisibilityBatchRequestEntry
                {
                    Id = i.ToString(CultureInfo.InvariantCulture),
                    ReceiptHandle = m.Record.ReceiptHandle,
                    VisibilityTimeout = (int)Math.Ceiling(Math.Clamp(m.Delay.TotalSeconds, 0, MaxVisibility.TotalSeconds)),
                }).ToList(),
            };
            var response = await client.ChangeMessageVisibilityBatchAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var failure in response.Failed ?? [])
            {
                var record = int.TryParse(failure.Id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < batch.Length ? batch[index].Record.MessageId : failure.Id;
                AwsLambdaLog.SqsMessageNotDelayed(_logger, record, failure.Code, failure.Message);
            }

            return response.Successful?.Count ?? 0;
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            AwsLambdaLog.SqsMessagesNotDelayed(_logger, ex, Ids(batch));
            return 0;
        }
    }

    /// <summary>One client per region: records name their queue's region, which is what requests are signed for.</summary>
    private AmazonSQSClient ClientFor(string region, AWSCredentials credentials)
    {
        lock (_lock)
        {
            if (!_clients.TryGetValue(region, out var client))
            {
                client = SqsClientFactory.Create(AwsLambdaSettings.SqsClient(_options, region), credentials);
                _clients[region] = client;
            }

            return client;
        }
    }

    /// <summary>
    /// The queue's URL. On AWS it follows from the ARN, so the function's role needs no <c>sqs:GetQueueUrl</c>;
    /// local stand-ins (an endpoint override) shape URLs their own way and match them exactly, so there the
    /// service is asked once per queue.
    /// </summary>
    private async Task<string> QueueUrlAsync(AmazonSQSClient client, (string Region, string Account, string Name) queue, CancellationToken cancellationToken)
    {
        if (_options.SqsServiceUrl is not { Length: > 0 })
        {
            return new Uri(AwsLambdaSettings.Endpoint(null, queue.Region, "sqs"), $"{queue.Account}/{queue.Name}").ToString();
        }

        var key = $"{queue.Region}:{queue.Account}:{queue.Name}";
        if (_queueUrls.TryGetValue(key, out var known))
        {
            return known;
        }

        var response = await client.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = queue.Name, QueueOwnerAWSAccountId = queue.Account }, cancellationToken).ConfigureAwait(false);
        return _queueUrls.GetOrAdd(key, response.QueueUrl);
    }

    private static string Ids(IEnumerable<(SqsRecord Record, TimeSpan Delay)> messages) =>
        string.Join(", ", messages.Select(m => m.Record.MessageId));
}
