using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class SqsQueueAttributesTests
{
    [Test]
    public void Parse_SizeAndRedrivePolicy_ReadsBoth()
    {
        var attributes = SqsQueueAttributes.Parse(new Dictionary<string, string>
        {
            ["MaximumMessageSize"] = "1048576",
            ["RedrivePolicy"] = "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:1:dlq\",\"maxReceiveCount\":\"4\"}",
        });

        Assert.That(attributes, Is.EqualTo(new SqsQueueAttributes(1_048_576, 4, "arn:aws:sqs:us-east-1:1:dlq")));
    }

    [Test]
    public void Parse_NothingOrGarbage_Defaults()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SqsQueueAttributes.Parse(null), Is.EqualTo(SqsQueueAttributes.Default));
            Assert.That(SqsQueueAttributes.Parse(new Dictionary<string, string> { ["MaximumMessageSize"] = "x", ["RedrivePolicy"] = "{" }).HasRedrivePolicy, Is.False);
            Assert.That(SqsQueueAttributes.Parse(new Dictionary<string, string> { ["RedrivePolicy"] = "{\"maxReceiveCount\":3}" }).MaxReceiveCount, Is.EqualTo(3));
        });
    }

    [Test]
    public void KeptMessageDelay_Receives_DoublesUpToTwelveHours()
    {
        Assert.Multiple(() =>
        {
            Assert.That(AwsSqsWorker.KeptMessageDelay(1), Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(AwsSqsWorker.KeptMessageDelay(3), Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(AwsSqsWorker.KeptMessageDelay(500), Is.EqualTo(TimeSpan.FromHours(12)));
        });
    }

    [Test]
    public void FifoGroupId_NameWithSpacesAndUnicode_ReplacedAndCapped()
    {
        Assert.Multiple(() =>
        {
            Assert.That(AwsSqsTransport.FifoGroupId("send report:é"), Is.EqualTo("send_report:_"));
            Assert.That(AwsSqsTransport.FifoGroupId(new string('q', 200)), Has.Length.EqualTo(128));
        });
    }
}
