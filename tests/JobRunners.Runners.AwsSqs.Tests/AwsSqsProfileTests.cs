using JobRunners.Tests.Shared;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

/// <summary>
/// A named profile supplies the runner's credentials: its requests to fauxqs are signed with the profile's key.
/// Not parallel: the profile file is found through the process's environment.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AwsSqsProfileTests
{
    [TestCase("AWS_PROFILE")]
    [TestCase("JobRunners:AwsSqs:Profile")]
    public async Task Client_ProfileNamedInConfiguration_SignsWithTheProfilesKey(string setting)
    {
        using var profile = new AwsProfileFile("AKIDSQSPROFILE", "sqs-profile-secret");
        var queueUrl = await LocalSqs.CreateQueueAsync(LocalSqs.UniqueName("profile"));
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["JOB_RUNNER"] = "aws-sqs",
                ["JobRunners:AwsSqs:QueueUrl"] = queueUrl,
                ["JobRunners:AwsSqs:Region"] = LocalSqs.Region,
                ["JobRunners:AwsSqs:ServiceUrl"] = LocalSqs.ServiceUrl,
                [setting] = profile.Name,
            }).Build();
            var services = new ServiceCollection().AddLogging();
            services.AddJobRunners(configuration, jobs => jobs.AddAwsSqsRunner());
            await using var provider = services.BuildServiceProvider();
            var queue = provider.GetRequiredService<SqsQueue>();
            var authorization = new List<string>();
            ((AmazonServiceClient)queue.Client).AfterResponseEvent += (_, e) =>
            {
                if (e is WebServiceResponseEventArgs { RequestHeaders: { } headers } && headers.TryGetValue("Authorization", out var value))
                {
                    authorization.Add(value);
                }
            };

            Assert.That(queue.Check("aws-sqs").FullyConfigured, Is.True);
            await queue.Client.SendMessageAsync(queueUrl, "signed by a profile");

            Assert.That(authorization, Has.Count.EqualTo(1));
            Assert.That(authorization[0], Does.Contain("Credential=AKIDSQSPROFILE/"));
        }
        finally
        {
            await LocalSqs.DeleteQueueAsync(queueUrl);
        }
    }
}
