using Amazon.SQS;
using Amazon.SQS.Model;
using NUnit.Framework;

namespace JobRunners.Runners.AwsSqs.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class SqsErrorsTests
{
    [TestCase("AWS.SimpleQueueService.NonExistentQueue")]
    [TestCase("AccessDenied")]
    [TestCase("InvalidClientTokenId")]
    [TestCase("SignatureDoesNotMatch")]
    public void IsFatal_MissingQueueOrRefusedAccess_True(string code)
    {
        var error = new AmazonSQSException("refused") { ErrorCode = code };

        Assert.Multiple(() =>
        {
            Assert.That(SqsErrors.IsFatal(error), Is.True);
            Assert.That(SqsErrors.IsFatal(SqsErrors.Explain(error, "https://q")), Is.True, "still fatal once explained");
            Assert.That(SqsErrors.Explain(error, "https://q").Message, Does.Contain("https://q").And.Contain("restart the worker"));
        });
    }

    [Test]
    public void IsFatal_QueueDoesNotExistException_True() =>
        Assert.That(SqsErrors.IsFatal(new QueueDoesNotExistException("gone")), Is.True);

    [TestCase("RequestThrottled")]
    [TestCase("OverLimit")]
    [TestCase("InternalError")]
    public void IsFatal_TransientErrors_False(string code) =>
        Assert.That(SqsErrors.IsFatal(new AmazonSQSException("busy") { ErrorCode = code }), Is.False);

    [Test]
    public void IsFatal_NetworkError_False() =>
        Assert.That(SqsErrors.IsFatal(new HttpRequestException("connection refused")), Is.False);
}
