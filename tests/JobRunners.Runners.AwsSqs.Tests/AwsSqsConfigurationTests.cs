using Amazon.Runtime;
using JobRunners.Runners.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>Settings: names, flat environment names, and the configuration check. No service needed.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class AwsSqsConfigurationTests
{
    private const string NoSuchProfile = "jobrunners-tests-no-such-profile";

    [Test]
    public void CheckConfiguration_NothingSet_NamesQueueUrlRegionAndCredentials()
    {
        using var queue = QueueWith(new AwsSqsOptions { Profile = NoSuchProfile });

        var check = queue.Check("aws-sqs");

        Assert.Multiple(() =>
        {
            Assert.That(check.FullyConfigured, Is.False);
            Assert.That(check.Missing.Select(m => m.Name), Is.EquivalentTo(new[] { "JobRunners:AwsSqs:QueueUrl", "JobRunners:AwsSqs:Region", "AWS credentials" }));
            Assert.That(check.ToString(), Does.Contain("JOBRUNNERS_SQS_QUEUE_URL").And.Contain("AWS_REGION").And.Contain(NoSuchProfile));
        });
    }

    [Test]
    public void CheckConfiguration_ServiceUrlButNoCredentials_ReportsCredentialsOnly()
    {
        using var queue = QueueWith(new AwsSqsOptions { QueueUrl = "http://127.0.0.1:4566/000000000000/q", Region = "us-east-1", ServiceUrl = "http://127.0.0.1:4566", Profile = NoSuchProfile });

        var check = queue.Check("aws-sqs");

        Assert.That(check.Missing.Select(m => m.Name), Is.EqualTo(new[] { "AWS credentials" }));
        Assert.That(check.Missing[0].Reason, Does.Contain("AWS_ACCESS_KEY_ID").And.Contain("AWS_PROFILE"));
    }

    [Test]
    public void CheckConfiguration_FullyConfigured_IsOk()
    {
        using var queue = QueueWith(new AwsSqsOptions { QueueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", Region = "eu-west-1", AccessKeyId = "a", SecretAccessKey = "b" });

        Assert.That(queue.Check("aws-sqs").FullyConfigured, Is.True);
    }

    [Test]
    public void CheckConfiguration_UnusableValues_ReportsEveryOne()
    {
        var options = new AwsSqsOptions
        {
            QueueUrl = "jobs",
            Region = "eu-west-1",
            ServiceUrl = "localhost:4566",
            DeadLetterQueueUrl = "dead",
            AccessKeyId = "a",
            SecretAccessKey = "b",
            ReceiveWaitTime = TimeSpan.FromSeconds(30),
            RequestTimeout = TimeSpan.Zero,
            Worker = new QueueWorkerOptions { Concurrency = 0, VisibilityTimeout = TimeSpan.FromHours(13) },
        };
        using var queue = QueueWith(options);

        var names = queue.Check("aws-sqs").Missing.Select(m => m.Name).ToList();

        Assert.That(names, Is.EquivalentTo(new[]
        {
            "JobRunners:AwsSqs:QueueUrl", "JobRunners:AwsSqs:ServiceUrl", "JobRunners:AwsSqs:DeadLetterQueueUrl",
            "JobRunners:AwsSqs:ReceiveWaitTime", "JobRunners:AwsSqs:RequestTimeout", "JobRunners:AwsSqs:Worker", "JobRunners:AwsSqs:Worker",
        }));
    }

    [Test]
    public void ResolveCredentials_StandardChainFindsNone_ReportsHowToFix()
    {
        var (credentials, problem) = AwsCredentialResolver.Resolve(Client(new AwsSqsOptions()), () => throw new AmazonClientException("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors:\nmore"));

        Assert.Multiple(() =>
        {
            Assert.That(credentials, Is.Null);
            Assert.That(problem, Does.Contain("Failed to resolve AWS credentials").And.Contain("AWS_ACCESS_KEY_ID").And.Not.Contain("more"));
        });
    }

    [Test]
    public void ResolveCredentials_KeyIdWithoutSecret_ReportsMissingSecret()
    {
        var (credentials, problem) = AwsCredentialResolver.Resolve(Client(new AwsSqsOptions { AccessKeyId = "a" }), () => null);

        Assert.That(credentials, Is.Null);
        Assert.That(problem, Does.StartWith("AWS_SECRET_ACCESS_KEY is missing"));
    }

    [Test]
    public void ResolveCredentials_Keys_WinOverChain()
    {
        var (credentials, _) = AwsCredentialResolver.Resolve(Client(new AwsSqsOptions { AccessKeyId = "a", SecretAccessKey = "b", SessionToken = "t" }), () => throw new InvalidOperationException("the chain is not consulted"));

        Assert.That(credentials, Is.InstanceOf<SessionAWSCredentials>());
    }

    [Test]
    public void AddAwsSqsRunner_FlatNamesInLaterSource_WinOverSectionAndWorkerSectionBinds()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JobRunners:AwsSqs:QueueUrl"] = "https://sqs.eu-west-1.amazonaws.com/1/section",
            ["JobRunners:AwsSqs:Region"] = "us-east-1",
        }).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "aws-sqs",
            ["JOBRUNNERS_SQS_QUEUE_URL"] = "https://sqs.eu-west-1.amazonaws.com/1/flat",
            ["AWS_DEFAULT_REGION"] = "eu-west-1",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
            ["JobRunners:AwsSqs:DeadLetterQueueUrl"] = "https://sqs.eu-west-1.amazonaws.com/1/dead",
            ["JobRunners:AwsSqs:Worker:Concurrency"] = "3",
            ["JobRunners:AwsSqs:Worker:VisibilityTimeout"] = "00:01:00",
            ["JobRunners:AwsSqs:RequestTimeout"] = "00:00:03",
        }).Build();
        var services = new ServiceCollection();
        services.AddJobRunners(configuration, jobs => jobs.AddAwsSqsRunner(o => o.ReceiveWaitTime = TimeSpan.FromSeconds(5)));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AwsSqsOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.QueueUrl, Is.EqualTo("https://sqs.eu-west-1.amazonaws.com/1/flat"));
            Assert.That(options.Region, Is.EqualTo("eu-west-1"));
            Assert.That(options.ServiceUrl, Is.EqualTo("http://127.0.0.1:9"));
            Assert.That(options.DeadLetterQueueUrl, Is.EqualTo("https://sqs.eu-west-1.amazonaws.com/1/dead"));
            Assert.That(options.Worker.Concurrency, Is.EqualTo(3));
            Assert.That(options.Worker.VisibilityTimeout, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(options.ReceiveWaitTime, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
        });
    }

    [Test]
    public void AddAwsSqsRunner_SectionInLaterSource_WinsOverFlatNames()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "aws-sqs",
            ["JOBRUNNERS_SQS_QUEUE_URL"] = "https://sqs.eu-west-1.amazonaws.com/1/environment",
            ["AWS_REGION"] = "eu-west-1",
        }).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JobRunners:AwsSqs:QueueUrl"] = "https://sqs.eu-west-1.amazonaws.com/1/override",
            ["JobRunners:AwsSqs:Region"] = "us-east-1",
        }).Build();
        var services = new ServiceCollection();
        services.AddJobRunners(configuration, jobs => jobs.AddAwsSqsRunner());
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AwsSqsOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.QueueUrl, Is.EqualTo("https://sqs.eu-west-1.amazonaws.com/1/override"));
            Assert.That(options.Region, Is.EqualTo("us-east-1"));
        });
    }

    private static AwsClientSettings Client(AwsSqsOptions options) => AwsSqsSettings.Client(options, options.RequestTimeout);

    private static SqsQueue QueueWith(AwsSqsOptions options) => new(Options.Create(options), NullLogger<SqsQueue>.Instance);
}
