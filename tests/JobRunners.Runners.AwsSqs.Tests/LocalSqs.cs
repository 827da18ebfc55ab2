using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>
/// The local SQS stand-in (fauxqs) the tests talk to: its address and keys from the variables
/// <c>scripts/services.sh env</c> prints, with the same defaults, and a raw client for arranging queues.
/// </summary>
internal static class LocalSqs
{
    private static readonly Lazy<AmazonSQSClient> SharedClient = new(() => new AmazonSQSClient(
        new BasicAWSCredentials(AccessKeyId, SecretAccessKey),
        new AmazonSQSConfig { ServiceURL = ServiceUrl, AuthenticationRegion = Region }));

    public static string ServiceUrl => Env("JOBRUNNERS_TEST_SQS_URL") ?? "http://127.0.0.1:4566";

    public static string Region => Env("AWS_REGION") ?? "us-east-1";

    public static string AccessKeyId => Env("AWS_ACCESS_KEY_ID") ?? "test";

    public static string SecretAccessKey => Env("AWS_SECRET_ACCESS_KEY") ?? "test";

    /// <summary>A raw client, for arranging and inspecting queues behind the runner's back.</summary>
    public static AmazonSQSClient Client => SharedClient.Value;

    /// <summary>A queue name no other test uses (SQS allows 80 characters; FIFO names end in .fifo).</summary>
    public static string UniqueName(string purpose, bool fifo = false)
    {
        var name = $"jr-{purpose}-{Guid.NewGuid():N}";
        name = name.Length > 75 ? name[..75] : name;
        return fifo ? name + ".fifo" : name;
    }

    /// <summary>The settings that point the runner at <paramref name="queueUrl"/> on the local service.</summary>
    public static void AddSettings(IDictionary<string, string?> settings, string queueUrl)
    {
        settings["JobRunners:AwsSqs:QueueUrl"] = queueUrl;
        settings["JobRunners:AwsSqs:Region"] = Region;
        settings["JobRunners:AwsSqs:ServiceUrl"] = ServiceUrl;
        settings["JobRunners:AwsSqs:AccessKeyId"] = AccessKeyId;
        settings["JobRunners:AwsSqs:SecretAccessKey"] = SecretAccessKey;

        // Short polls so hosts stop quickly between tests.
        settings["JobRunners:AwsSqs:ReceiveWaitTime"] = "00:00:01";
    }

    /// <summary>Creates a queue and returns its URL; fails the test with what to run when the service is down.</summary>
    public static async Task<string> CreateQueueAsync(string name, Dictionary<string, string>? attributes = null)
    {
        try
        {
            var request = new CreateQueueRequest { QueueName = name, Attributes = attributes ?? [] };
            if (name.EndsWith(".fifo", StringComparison.Ordinal))
            {
                request.Attributes["FifoQueue"] = "true";
            }

            return (await Client.CreateQueueAsync(request)).QueueUrl;
        }
        catch (Exception ex) when (ex is HttpRequestException or AmazonClientException && ex is not AmazonSQSException)
        {
            Assert.Fail($"The local SQS service (fauxqs) is not reachable at {ServiceUrl}: {ex.Message}. Run ./scripts/test.sh, or start it with scripts/services.sh start fauxqs and eval \"$(scripts/services.sh env)\".");
            throw;
        }
    }

    /// <summary>The queue's ARN, for redrive policies.</summary>
    public static async Task<string> ArnAsync(string queueUrl) =>
        (await Client.GetQueueAttributesAsync(queueUrl, ["QueueArn"])).QueueARN;

    /// <summary>Deletes a queue; one already gone is fine.</summary>
    public static async Task DeleteQueueAsync(string queueUrl)
    {
        try
        {
            await Client.DeleteQueueAsync(queueUrl);
        }
        catch (QueueDoesNotExistException)
        {
        }
    }

    /// <summary>Receives what is visible on a queue now (short wait), without deleting.</summary>
    public static async Task<List<Message>> ReceiveAsync(string queueUrl, int waitSeconds = 1, int visibilitySeconds = 30)
    {
        var response = await Client.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = 10,
            WaitTimeSeconds = waitSeconds,
            VisibilityTimeout = visibilitySeconds,
            MessageSystemAttributeNames = ["All"],
            MessageAttributeNames = ["All"],
        });
        return response.Messages ?? [];
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
