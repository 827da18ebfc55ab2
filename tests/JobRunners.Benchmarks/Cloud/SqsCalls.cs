#if BENCH_AWS_SQS
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using JobRunners.Benchmarks.EndToEnd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JobRunners.Benchmarks.Cloud;

/// <summary>SQS on fauxqs: raw SendMessage / SendMessageBatch(10) against the aws-sqs runner's task and job dispatch.</summary>
internal sealed class SqsCalls : IAsyncDisposable
{
    private readonly AmazonSQSClient _client;
    private IHost? _host;
    private string _queueUrl = "";

    public SqsCalls(string serviceUrl)
    {
        ServiceUrl = serviceUrl;
        _client = new AmazonSQSClient(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig { ServiceURL = serviceUrl, AuthenticationRegion = "us-east-1" });
    }

    private string ServiceUrl { get; }

    public async Task<IReadOnlyList<CloudCall>> PrepareAsync(string postgres)
    {
        _queueUrl = (await _client.CreateQueueAsync("jobrunners-bench")).QueueUrl;
        _host = CloudRunnerHost.Build(postgres, "aws-sqs", jobs => jobs.AddAwsSqsRunner(), new Dictionary<string, string?>
        {
            ["JobRunners:AwsSqs:QueueUrl"] = _queueUrl,
            ["JobRunners:AwsSqs:Region"] = "us-east-1",
            ["JobRunners:AwsSqs:ServiceUrl"] = ServiceUrl,
            ["JobRunners:AwsSqs:AccessKeyId"] = "test",
            ["JobRunners:AwsSqs:SecretAccessKey"] = "test",
        });
        await _host.Services.GetRequiredService<IJobStore>().MigrateAsync();
        var runner = _host.Services.GetRequiredService<IJobRunner>();
        var body = CloudRunnerHost.TaskEnvelope(_host);
        var payload = new NoopPayload(1);
        var tasks = Enumerable.Repeat(new TaskDispatch(JobRunnersHost.TaskName, payload), 10).ToArray();
        var entries = Enumerable.Range(0, 10).Select(i => new SendMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), body)).ToList();
        return
        [
            new("cloud-sqs.single", "raw-sdk", 1, () => _client.SendMessageAsync(new SendMessageRequest(_queueUrl, body))),
            new("cloud-sqs.single", "jobrunners-aws-sqs", 1, () => runner.DispatchTaskAsync(JobRunnersHost.TaskName, payload).AsTask()),
            new("cloud-sqs.batch10", "raw-sdk", 10, () => _client.SendMessageBatchAsync(new SendMessageBatchRequest(_queueUrl, entries))),
            new("cloud-sqs.batch10", "jobrunners-aws-sqs", 10, async () => Check(await runner.DispatchTasksAsync(tasks))),
            new("cloud-sqs.job", "jobrunners-aws-sqs", 1, () => runner.DispatchJobAsync(JobRunnersHost.JobType, payload).AsTask()),
        ];
    }

    public Task PurgeAsync() => _client.PurgeQueueAsync(_queueUrl);

    public async ValueTask DisposeAsync()
    {
        _host?.Dispose();
        _client.Dispose();
        await Task.CompletedTask;
    }

    private static void Check(IReadOnlyList<DispatchResult> results)
    {
        if (results.FirstOrDefault(r => !r.Succeeded) is { } failed)
        {
            throw new InvalidOperationException($"Batch dispatch failed: {failed.Error?.Message}");
        }
    }
}
#endif
