#if BENCH_AZURE_QUEUE
using Azure.Storage.Queues;
using JobRunners.Benchmarks.EndToEnd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JobRunners.Benchmarks.Cloud;

/// <summary>
/// Azure Storage queues on Azurite: raw SendMessage against the azure-queue runner's dispatch. Azure has no batch
/// send, so the batch of ten is ten concurrent sends on both sides (the runner's SendConcurrency is 16).
/// </summary>
internal sealed class AzureCalls : IAsyncDisposable
{
    private const string QueueName = "jobrunners-bench";

    private readonly string _connectionString;
    private IHost? _host;
    private QueueClient? _client;

    public AzureCalls(string connectionString) => _connectionString = connectionString;

    public async Task<IReadOnlyList<CloudCall>> PrepareAsync(string postgres)
    {
        // The runner's own client settings: base64 messages, API version 2025-11-05.
        _client = new QueueClient(_connectionString, QueueName, new QueueClientOptions(QueueClientOptions.ServiceVersion.V2025_11_05) { MessageEncoding = QueueMessageEncoding.Base64 });
        await _client.CreateIfNotExistsAsync();
        _host = CloudRunnerHost.Build(postgres, "azure-queue", jobs => jobs.AddAzureQueueRunner(), new Dictionary<string, string?>
        {
            ["JobRunners:AzureQueue:ConnectionString"] = _connectionString,
            ["JobRunners:AzureQueue:QueueName"] = QueueName,
        });
        await _host.Services.GetRequiredService<IJobStore>().MigrateAsync();
        var runner = _host.Services.GetRequiredService<IJobRunner>();
        var body = CloudRunnerHost.TaskEnvelope(_host);
        var payload = new NoopPayload(1);
        var tasks = Enumerable.Repeat(new TaskDispatch(JobRunnersHost.TaskName, payload), 10).ToArray();
        var client = _client;
        return
        [
            new("cloud-azure.single", "raw-sdk", 1, () => client.SendMessageAsync(body)),
            new("cloud-azure.single", "jobrunners-azure-queue", 1, () => runner.DispatchTaskAsync(JobRunnersHost.TaskName, payload).AsTask()),
            new("cloud-azure.batch10", "raw-sdk", 10, () => Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.SendMessageAsync(body)))),
            new("cloud-azure.batch10", "jobrunners-azure-queue", 10, async () =>
            {
                if ((await runner.DispatchTasksAsync(tasks)).FirstOrDefault(r => !r.Succeeded) is { } failed)
                {
                    throw new InvalidOperationException($"Batch dispatch failed: {failed.Error?.Message}");
                }
            }),
            new("cloud-azure.job", "jobrunners-azure-queue", 1, () => runner.DispatchJobAsync(JobRunnersHost.JobType, payload).AsTask()),
        ];
    }

    public Task PurgeAsync() => _client!.ClearMessagesAsync();

    public ValueTask DisposeAsync()
    {
        _host?.Dispose();
        return ValueTask.CompletedTask;
    }
}
#endif
