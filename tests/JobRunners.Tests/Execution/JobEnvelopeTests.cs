using NUnit.Framework;

namespace JobRunners.Tests.Execution;

[TestFixture]
public sealed class JobEnvelopeTests
{
    [Test]
    public void Serialize_Job_CarriesOnlyTheId()
    {
        var row = new JobRequest { Id = 42, JobType = "report", QueueName = "report", Payload = "{\"secret\":1}", Attempts = 1 };

        var text = JobEnvelope.ForJob(row).Serialize();

        Assert.That(text, Is.EqualTo("{\"v\":1,\"kind\":\"job\",\"name\":\"report\",\"jobId\":42,\"attempt\":2}"));
        Assert.That(JobEnvelope.Parse(text), Is.EqualTo(JobEnvelope.ForJob(row)));
    }

    [Test]
    public void Parse_TaskEnvelope_KeepsPayloadJson()
    {
        var envelope = JobEnvelope.Parse("{\"v\":1,\"kind\":\"task\",\"name\":\"ping\",\"payload\":{\"to\":\"ops\"},\"traceparent\":\"00-abc-def-01\"}");

        Assert.Multiple(() =>
        {
            Assert.That(envelope.Kind, Is.EqualTo(EnvelopeKind.Task));
            Assert.That(envelope.Payload, Is.EqualTo("{\"to\":\"ops\"}"));
            Assert.That(envelope.TraceParent, Is.EqualTo("00-abc-def-01"));
        });
    }

    [TestCase("not json", "not valid JSON")]
    [TestCase("[1,2]", "not a JSON object")]
    [TestCase("{\"kind\":\"job\",\"name\":\"x\",\"jobId\":1}", "no version")]
    [TestCase("{\"v\":2,\"kind\":\"job\",\"name\":\"x\",\"jobId\":1}", "version 2 is not supported")]
    [TestCase("{\"v\":1,\"kind\":\"job\",\"jobId\":1}", "no name")]
    [TestCase("{\"v\":1,\"kind\":\"job\",\"name\":\"x\",\"jobId\":-5}", "positive \"jobId\"")]
    [TestCase("{\"v\":1,\"kind\":\"task\",\"name\":\"x\"}", "needs a \"payload\"")]
    [TestCase("{\"v\":1,\"kind\":\"event\",\"name\":\"x\"}", "\"kind\" must be")]
    public void Parse_Malformed_ThrowsWithReason(string text, string reason)
    {
        var error = Assert.Throws<MalformedEnvelopeException>(() => JobEnvelope.Parse(text));

        Assert.That(error!.Reason, Does.Contain(reason));
    }
}
