using System.Diagnostics;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using JobRunners.Conformance;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>
/// An SQS-triggered function delays a retried message until its job is due, against fauxqs: the message is
/// received from a real queue, handed to the function as Lambda's event source mapping would, and must come back
/// after the job's 3 s backoff rather than the queue's 30 s visibility timeout.
/// </summary>
[TestFixture]
public sealed class SqsVisibilityTests : LambdaTestBase
{
    [Test]
    public async Task SqsEvent_JobRetriesIn3Seconds_MessageComesBackAfterBackoffNotVisibilityTimeout()
    {
        await LocalLambda.RequireSqsAsync();
        await using var host = await StartHostAsync();
        using var sqs = new AmazonSQSClient(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig { ServiceURL = LocalLambda.SqsUrl, AuthenticationRegion = LocalLambda.Region });
        var name = "jr-lambda-" + NewKey()[..12];
        var queueUrl = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = new() { ["VisibilityTimeout"] = "30" } })).QueueUrl;
        try
        {
            var row = await InsertAsync(host, SlowRetryJob, NewKey(), runner: "aws-sqs");
            await sqs.SendMessageAsync(queueUrl, JobEnvelope.ForJob(row).Serialize());
            var message = (await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 5, MessageSystemAttributeNames = ["All"] })).Messages.Single();
            var sqsEvent = JsonSerializer.Serialize(new
            {
                Records = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["messageId"] = message.MessageId,
                        ["receiptHandle"] = message.ReceiptHandle,
                        ["body"] = message.Body,
                        ["attributes"] = message.Attributes,
                        ["eventSource"] = "aws:sqs",
                        ["eventSourceARN"] = $"arn:aws:sqs:{LocalLambda.Region}:000000000000:{name}",
                        ["awsRegion"] = LocalLambda.Region,
                    },
                },
            });

            var clock = Stopwatch.StartNew();
            var answer = await ProcessAsync(host, sqsEvent);
            Assert.That(answer, Does.Contain(message.MessageId));
            var immediately = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 1 });
            Assert.That(immediately.Messages ?? [], Is.Empty, "hidden until the job is due");

            var back = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 10, MessageSystemAttributeNames = ["All"] });
            Assert.That(back.Messages ?? [], Has.Count.EqualTo(1), "back after the 3 s backoff");
            Assert.Multiple(() =>
            {
                Assert.That(clock.Elapsed, Is.InRange(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(12)));
                Assert.That(back.Messages![0].MessageId, Is.EqualTo(message.MessageId));
                Assert.That(back.Messages[0].Attributes["ApproximateReceiveCount"], Is.EqualTo("2"));
            });
        }
        finally
        {
            await sqs.DeleteQueueAsync(queueUrl);
        }
    }

    [Test]
    public async Task TryDelayAsync_OneHandleStale_DelaysTheOthersThroughTheSdkAndCountsThem()
    {
        await LocalLambda.RequireSqsAsync();
        using var sqs = new AmazonSQSClient(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig { ServiceURL = LocalLambda.SqsUrl, AuthenticationRegion = LocalLambda.Region });
        var name = "jr-lambda-" + NewKey()[..12];
        var queueUrl = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = new() { ["VisibilityTimeout"] = "30" } })).QueueUrl;
        try
        {
            await sqs.SendMessageAsync(queueUrl, "first");
            await sqs.SendMessageAsync(queueUrl, "second");
            var received = new List<Message>();
            for (var i = 0; i < 5 && received.Count < 2; i++)
            {
                received.AddRange((await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 })).Messages ?? []);
            }

            var arn = $"arn:aws:sqs:{LocalLambda.Region}:000000000000:{name}";
            var records = received.Select(m => new SqsRecord(m.MessageId, m.Body, m.ReceiptHandle, arn, "1")).Append(new SqsRecord("stale", "", "no-such-receipt-handle", arn, "1"));
            var options = new AwsLambdaOptions { Region = LocalLambda.Region, SqsServiceUrl = LocalLambda.SqsUrl, AccessKeyId = "test", SecretAccessKey = "test" };
            using var visibility = new SqsVisibility(options, NullLogger.Instance);

            var delayed = await visibility.TryDelayAsync(records.Select(r => (r, TimeSpan.Zero)).ToList(), CancellationToken.None);

            var back = (await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 2 })).Messages ?? [];
            Assert.Multiple(() =>
            {
                Assert.That(received, Has.Count.EqualTo(2));
                Assert.That(delayed, Is.EqualTo(2), "the stale handle fails alone");
                Assert.That(back.Select(m => m.MessageId), Is.EquivalentTo(received.Select(m => m.MessageId)), "visible again at once, not after the queue's 30 s");
            });
        }
        finally
        {
            await sqs.DeleteQueueAsync(queueUrl);
        }
    }

    [Test]
    public void ParseArn_QueueArn_GivesRegionAccountAndName()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SqsVisibility.ParseArn("arn:aws:sqs:eu-west-1:123456789012:jobs.fifo"), Is.EqualTo(("eu-west-1", "123456789012", "jobs.fifo")));
            Assert.That(SqsVisibility.ParseArn("arn:aws:sns:eu-west-1:123456789012:topic"), Is.Null);
            Assert.That(SqsVisibility.ParseArn(null), Is.Null);
        });
    }
}
