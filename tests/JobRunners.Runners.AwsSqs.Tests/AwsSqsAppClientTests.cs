using System.Collections.Concurrent;
using Amazon;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using JobRunners.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>
/// The application registered its own <see cref="IAmazonSQS"/> the standard way (AWSSDK.Extensions.NETCore.Setup):
/// the runner sends and receives through that client and needs no region, endpoint or credential settings.
/// </summary>
[TestFixture]
public sealed class AwsSqsAppClientTests : SqsRunnerTestBase
{
    /// <summary>Only the queue: the endpoint and keys the other tests set would point a client the runner built at fauxqs.</summary>
    private static readonly Dictionary<string, string?> QueueUrlOnly = new()
    {
        ["JobRunners:AwsSqs:Region"] = null,
        ["JobRunners:AwsSqs:ServiceUrl"] = null,
        ["JobRunners:AwsSqs:AccessKeyId"] = null,
        ["JobRunners:AwsSqs:SecretAccessKey"] = null,
    };

    [Test]
    public async Task AppRegisteredClient_JobDispatchedAndRun_EveryCallGoesThroughIt()
    {
        await using var host = await StartHostAsync(QueueUrlOnly, jobs => AddAppClient(jobs.Services));
        var appClient = host.Services.GetRequiredService<IAmazonSQS>();
        var requests = new ConcurrentQueue<AmazonWebServiceRequest>();
        ((AmazonServiceClient)appClient).BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs { Request: { } request })
            {
                requests.Enqueue(request);
            }
        };

        var job = await host.Runner.DispatchJobAsync(ProbeHandlers.OkJob, new ProbePayload(NewKey()));
        var final = await host.WaitForFinalAsync(job.Id);
        await host.WaitUntilAsync(() => Task.FromResult(requests.OfType<DeleteMessageRequest>().Any()), "the message to be deleted through the application's client");

        var queue = host.Services.GetRequiredService<SqsQueue>();
        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(queue.Client, Is.SameAs(appClient));
            Assert.That(queue.ReceiveClient, Is.SameAs(appClient));
            Assert.That(requests.OfType<SendMessageRequest>().Count(r => r.QueueUrl == QueueUrl), Is.EqualTo(1));
            Assert.That(requests.OfType<ReceiveMessageRequest>().Any(r => r.QueueUrl == QueueUrl), Is.True);
        });
    }

    [Test]
    public async Task AppRegisteredClient_OnlyQueueUrlSet_FullyConfigured()
    {
        await using var host = await StartHostAsync(QueueUrlOnly, jobs => AddAppClient(jobs.Services));

        var configuration = host.Services.GetRequiredService<SqsQueue>().Check("aws-sqs");

        Assert.That(configuration.FullyConfigured, Is.True, string.Join("; ", configuration.Missing));
    }

    [Test]
    public void AppRegisteredClient_QueueUrlMissing_StillReported()
    {
        using var client = NewAppClient();
        using var queue = new SqsQueue(Options.Create(new AwsSqsOptions()), NullLogger<SqsQueue>.Instance, client);

        var configuration = queue.Check("aws-sqs");

        Assert.That(configuration.Missing.Select(m => m.Name), Is.EqualTo(new[] { "JobRunners:AwsSqs:QueueUrl" }));
    }

    [Test]
    public void AppRegisteredClient_TimeoutShorterThanLongPoll_Reported()
    {
        using var client = new AmazonSQSClient(
            new BasicAWSCredentials(LocalSqs.AccessKeyId, LocalSqs.SecretAccessKey),
            new AmazonSQSConfig { ServiceURL = LocalSqs.ServiceUrl, AuthenticationRegion = LocalSqs.Region, Timeout = TimeSpan.FromSeconds(5) });
        using var queue = new SqsQueue(Options.Create(new AwsSqsOptions { QueueUrl = QueueUrl }), NullLogger<SqsQueue>.Instance, client);

        var configuration = queue.Check("aws-sqs");

        Assert.That(configuration.Missing.Select(m => m.Name), Is.EqualTo(new[] { "JobRunners:AwsSqs:ReceiveWaitTime" }));
    }

    [Test]
    public async Task Dispose_AppRegisteredClient_LeftUsable()
    {
        using var client = NewAppClient();
        var queue = new SqsQueue(Options.Create(new AwsSqsOptions { QueueUrl = QueueUrl }), NullLogger<SqsQueue>.Instance, client);

        queue.Dispose();

        var sent = await client.SendMessageAsync(QueueUrl, "still open");
        Assert.That(sent.MessageId, Is.Not.Empty);
    }

    /// <summary>What an application does: default AWS options pointed at fauxqs, then the SQS client from them.</summary>
    private static void AddAppClient(IServiceCollection services)
    {
        services.AddDefaultAWSOptions(new AWSOptions
        {
            Credentials = new BasicAWSCredentials(LocalSqs.AccessKeyId, LocalSqs.SecretAccessKey),
            Region = RegionEndpoint.GetBySystemName(LocalSqs.Region),
            DefaultClientConfig = { ServiceURL = LocalSqs.ServiceUrl },
        });
        services.AddAWSService<IAmazonSQS>();
    }

    private static IAmazonSQS NewAppClient()
    {
        var services = new ServiceCollection();
        AddAppClient(services);
        return services.BuildServiceProvider().GetRequiredService<IAmazonSQS>();
    }
}
