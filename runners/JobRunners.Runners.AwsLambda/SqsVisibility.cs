using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using JobRunners.Runners.Aws;
using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// Delays a retried SQS message until its job is due (<c>ChangeMessageVisibility</c>, SQS JSON protocol, signed
/// with SigV4), as the SQS worker does. Without it the message would come back after the queue's visibility
/// timeout, find the job not yet due, and use up receives until the redrive policy parks it. Best effort: when it
/// fails the message still comes back after the queue's visibility timeout.
/// </summary>
internal sealed class SqsVisibility : IDisposable
{
    /// <summary>SQS keeps a message invisible for at most 12 hours.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromHours(12);

    private static readonly MediaTypeHeaderValue AmzJson = new("application/x-amz-json-1.0");
    private static readonly HttpRequestOptionsKey<string> SigningRegion = new(SigV4SigningHandler.RegionOptionKey);

    private readonly AwsLambdaOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient? _http;
    private readonly string? _problem;
    private readonly ConcurrentDictionary<string, string> _queueUrls = new(StringComparer.Ordinal);

    public SqsVisibility(AwsLambdaOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        var (credentials, problem) = AwsCredentialResolver.Resolve(AwsLambdaSettings.Client(options));
        _problem = problem;
        if (credentials is not null)
        {
            var transport = new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
            var region = RegionEndpoint.GetBySystemName(options.Region ?? "us-east-1");
            _http = new HttpClient(new SigV4SigningHandler(credentials, region, "sqs", transport)) { Timeout = options.InvokeTimeout };
        }
    }

    /// <summary>Makes the message visible again after <paramref name="delay"/>; false (logged) when that failed.</summary>
    public async Task<bool> TryDelayAsync(SqsRecord record, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_http is null)
        {
            _logger.LogWarning("Cannot delay SQS message {MessageId}: {Problem} It comes back after the queue's visibility timeout.", record.MessageId, _problem);
            return false;
        }

        if (record.ReceiptHandle is null || ParseArn(record.EventSourceArn) is not { } queue)
        {
            _logger.LogWarning("Cannot delay SQS message {MessageId}: the record has no receipt handle or no queue ARN ('{Arn}').", record.MessageId, record.EventSourceArn);
            return false;
        }

        var seconds = (int)Math.Ceiling(Math.Clamp(delay.TotalSeconds, 0, MaxVisibility.TotalSeconds));
        try
        {
            var queueUrl = await QueueUrlAsync(queue, cancellationToken).ConfigureAwait(false);
            var (ok, answer) = await CallAsync(queue.Region, "ChangeMessageVisibility", new Dictionary<string, object>
            {
                ["QueueUrl"] = queueUrl,
                ["ReceiptHandle"] = record.ReceiptHandle,
                ["VisibilityTimeout"] = seconds,
            }, cancellationToken).ConfigureAwait(false);
            if (ok)
            {
                return true;
            }

            _logger.LogWarning("Could not delay SQS message {MessageId} by {Seconds} s: {Answer}. It comes back after the queue's visibility timeout; the function's role needs sqs:ChangeMessageVisibility.", record.MessageId, seconds, answer);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Could not delay SQS message {MessageId}; it comes back after the queue's visibility timeout.", record.MessageId);
        }

        return false;
    }

    public void Dispose() => _http?.Dispose();

    /// <summary>
    /// The queue's URL. On AWS it follows from the ARN; local stand-ins (an endpoint override) shape URLs their own
    /// way and match them exactly, so there the service is asked once per queue.
    /// </summary>
    private async Task<string> QueueUrlAsync((string Region, string Account, string Name) queue, CancellationToken cancellationToken)
    {
        var endpoint = AwsLambdaSettings.Endpoint(_options.SqsServiceUrl, queue.Region, "sqs");
        if (_options.SqsServiceUrl is not { Length: > 0 })
        {
            return new Uri(endpoint, $"{queue.Account}/{queue.Name}").ToString();
        }

        var key = $"{queue.Region}:{queue.Account}:{queue.Name}";
        if (_queueUrls.TryGetValue(key, out var known))
        {
            return known;
        }

        var (ok, answer) = await CallAsync(queue.Region, "GetQueueUrl", new Dictionary<string, object> { ["QueueName"] = queue.Name, ["QueueOwnerAWSAccountId"] = queue.Account }, cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            throw new HttpRequestException($"GetQueueUrl for {queue.Name} answered {answer}");
        }

        using var document = JsonDocument.Parse(answer);
        return document.RootElement.TryGetProperty("QueueUrl", out var value) && value.GetString() is { Length: > 0 } url
            ? _queueUrls.GetOrAdd(key, url)
            : throw new HttpRequestException($"GetQueueUrl for {queue.Name} answered without a QueueUrl: {answer}");
    }

    /// <summary>One SQS JSON-protocol call; returns whether it succeeded and the answer body.</summary>
    private async Task<(bool Ok, string Answer)> CallAsync(string region, string action, Dictionary<string, object> body, CancellationToken cancellationToken)
    {
        var endpoint = AwsLambdaSettings.Endpoint(_options.SqsServiceUrl, region, "sqs");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8) };
        request.Content.Headers.ContentType = AmzJson;
        request.Headers.Add("X-Amz-Target", "AmazonSQS." + action);
        request.Options.Set(SigningRegion, region);
        using var response = await _http!.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return (response.IsSuccessStatusCode, response.IsSuccessStatusCode ? answer : $"HTTP {(int)response.StatusCode} {answer}");
    }

    /// <summary>Splits <c>arn:aws:sqs:region:account:name</c>; null when it is not one.</summary>
    internal static (string Region, string Account, string Name)? ParseArn(string? arn)
    {
        var parts = arn?.Split(':');
        return parts is { Length: 6 } && parts[0] == "arn" && parts[2] == "sqs" && parts.Skip(3).All(p => p.Length > 0)
            ? (parts[3], parts[4], parts[5])
            : null;
    }
}
