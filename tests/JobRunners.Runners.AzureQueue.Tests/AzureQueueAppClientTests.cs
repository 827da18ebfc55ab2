using System.Collections.Concurrent;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using JobRunners.Conformance;
using JobRunners.Runners.AzureQueue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace JobRunners.Runners.AzureQueue.Tests;

/// <summary>
/// The application registered its own <see cref="QueueServiceClient"/>: the runner's queue clients come from it
/// (its pipeline carries every request), no connection string is needed, and it must encode as Base64.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class AzureQueueAppClientTests : RunnerTestBase
{
    private readonly string _queue = Azurite.NewQueueName("appclient");

    protected override string RunnerName => "azure-queue";

    [OneTimeSetUp]
    public static Task RequireAzurite() => Azurite.RequireAsync();

    [TearDown]
    public Task Cleanup() => Azurite.DeleteQueuesAsync(_queue);

    protected override void AddRunner(JobRunnersBuilder jobs) => jobs.AddAzureQueueRunner().AddTestHandlers();

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        AzureQueueTestSettings.Add(settings, _queue);
        settings["JobRunners:AzureQueue:ConnectionString"] = null;
    }

    [Test]
    public async Task AppClient_JobDispatchedAndRun_EveryCallGoesThroughItsPipeline()
    {
        var requests = new RequestLog();
        await using var host = await StartHostAsync(configure: jobs => jobs.Services.AddSingleton(AppClient(requests)));

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()));
        var final = await host.WaitForFinalAsync(job.Id);
        await host.WaitUntilAsync(() => Task.FromResult(requests.Any("DELETE", $"/{_queue}/messages/")), "the message to be deleted through the application's client");

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(requests.Any("POST", $"/{_queue}/messages"), Is.True, "sent");
            Assert.That(requests.Any("GET", $"/{_queue}/messages"), Is.True, "received");
        });
    }

    [Test]
    public async Task AppClient_MalformedMessage_ParkedWithItsTextAsStored()
    {
        await using var host = await StartHostAsync(configure: jobs => jobs.Services.AddSingleton(AppClient(new RequestLog())));
        await Azurite.Client(_queue).CreateIfNotExistsAsync();
        await Azurite.Client(_queue).SendMessageAsync("this is not an envelope");

        await host.WaitUntilAsync(async () => await Azurite.CountAsync(_queue + "-poison") == 1, "the message to be parked");

        var parked = (await Azurite.RawClient(_queue + "-poison").PeekMessageAsync()).Value.Body.ToString();
        Assert.That(parked, Is.EqualTo(Convert.ToBase64String(Encoding.UTF8.GetBytes("this is not an envelope"))));
    }

    [Test]
    public void Check_AppClientAndNoConnectionString_FullyConfigured()
    {
        var transport = Transport(AppClient(new RequestLog()));

        Assert.That(transport.Check(), Is.Empty);
    }

    [Test]
    public void Check_AppClientWithoutBase64_NamesTheEncodingToSet()
    {
        var transport = Transport(new QueueServiceClient(Azurite.ConnectionString));

        var missing = transport.Check();
        var firstUse = Assert.Throws<JobRunnerException>(() => _ = transport.Queue);

        Assert.That(missing, Has.Count.EqualTo(1));
        Assert.That(missing[0].ToString(), Does.Contain("MessageEncoding = QueueMessageEncoding.Base64"));
        Assert.That(firstUse!.Message, Does.Contain("MessageEncoding = QueueMessageEncoding.Base64"));
    }

    [TestCase(QueueMessageEncoding.Base64)]
    [TestCase(QueueMessageEncoding.None)]
    public void QueueClientEncoding_ChildOfServiceClient_IsTheServiceClientsEncoding(QueueMessageEncoding encoding)
    {
        var service = new QueueServiceClient(Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = encoding });

        Assert.That(QueueClientEncoding.Of(service.GetQueueClient(_queue)), Is.EqualTo(encoding));
    }

    private AzureQueueTransport Transport(QueueServiceClient client) => new(
        Options.Create(new AzureQueueOptions { QueueName = _queue }), NullLogger<AzureQueueTransport>.Instance, client);

    /// <summary>What an application registers: a Base64 service client, here with a policy that logs its requests.</summary>
    private static QueueServiceClient AppClient(RequestLog requests)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.AddPolicy(requests, HttpPipelinePosition.PerCall);
        return new QueueServiceClient(Azurite.ConnectionString, options);
    }

    /// <summary>Every request that went through the pipeline it is added to.</summary>
    private sealed class RequestLog : HttpPipelineSynchronousPolicy
    {
        private readonly ConcurrentQueue<(string Method, string Path)> _requests = new();

        public bool Any(string method, string path) =>
            _requests.Any(r => r.Method == method && r.Path.Contains(path, StringComparison.Ordinal));

        public override void OnSendingRequest(HttpMessage message)
        {
            ArgumentNullException.ThrowIfNull(message);
            _requests.Enqueue((message.Request.Method.Method, message.Request.Uri.Path));
        }
    }
}
