using Azure.Storage.Queues;
using NUnit.Framework;

namespace JobRunners.Runners.AzureQueue.Tests;

/// <summary>The local Azurite the tests talk to: its connection string, fresh queue names, and direct clients.</summary>
internal static class Azurite
{
    private const string DefaultConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;";

    /// <summary>JOBRUNNERS_TEST_AZURITE, or the default local Azurite.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("JOBRUNNERS_TEST_AZURITE") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    /// <summary>A queue name no other test uses.</summary>
    public static string NewQueueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 56)];

    /// <summary>A client that reads and writes as the runner does (Base64).</summary>
    public static QueueClient Client(string queue) => new(ConnectionString, queue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>A client that reads and writes message text as stored.</summary>
    public static QueueClient RawClient(string queue) => new(ConnectionString, queue);

    /// <summary>Fails (never skips) when Azurite does not answer, saying how to start it.</summary>
    public static async Task RequireAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var options = new QueueClientOptions();
            options.Retry.MaxRetries = 0;
            await new QueueServiceClient(ConnectionString, options).GetPropertiesAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or AggregateException)
        {
            Assert.Fail($"Azurite is not reachable ({ex.Message.Split('\n')[0]}). Run ./scripts/test.sh, or start it with `scripts/services.sh start azurite` and set JOBRUNNERS_TEST_AZURITE.");
        }
    }

    /// <summary>Deletes the queue and its poison queue.</summary>
    public static async Task DeleteQueuesAsync(string queue)
    {
        await RawClient(queue).DeleteIfExistsAsync();
        await RawClient(queue + "-poison").DeleteIfExistsAsync();
    }

    /// <summary>Messages in the queue, visible or not; zero when the queue does not exist.</summary>
    public static async Task<int> CountAsync(string queue)
    {
        try
        {
            return (await RawClient(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }
}
