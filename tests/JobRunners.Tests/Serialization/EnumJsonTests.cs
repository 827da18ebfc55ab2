using System.Text.Json;
using JobRunners.Scheduling;
using NUnit.Framework;

namespace JobRunners.Tests.Serialization;

/// <summary>
/// The enums users see in JSON (a row's status in an API answer, a schedule's kind, an outcome) are written by name
/// with System.Text.Json's defaults, and read back from the name in any case or from the old number.
/// </summary>
[TestFixture]
public sealed class EnumJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Test]
    public void Serialize_ReadmeControllerAnswer_WritesStatusName()
    {
        var row = new JobRequest { Id = 7, JobType = "send-report", QueueName = "send-report", Payload = "{}", Status = JobStatus.Succeeded };

        // The README's controller returns Accepted(new { row.Id, row.Status }); ASP.NET Core writes it with the web defaults.
        Assert.That(JsonSerializer.Serialize(new { row.Id, row.Status }, Web), Is.EqualTo("""{"id":7,"status":"Succeeded"}"""));
        Assert.That(JsonSerializer.Serialize(new { row.Status }), Is.EqualTo("""{"Status":"Succeeded"}"""));
    }

    [Test]
    public void Serialize_JobRequest_WritesStatusName()
    {
        var row = new JobRequest { Id = 7, JobType = "send-report", QueueName = "send-report", Payload = "{}", Status = JobStatus.Queued };

        using var document = JsonDocument.Parse(JsonSerializer.Serialize(row, Web));

        Assert.That(document.RootElement.GetProperty("status").GetString(), Is.EqualTo("Queued"));
    }

    [TestCase("\"Succeeded\"")]
    [TestCase("\"succeeded\"")]
    [TestCase("\"SUCCEEDED\"")]
    [TestCase("2")]
    public void Deserialize_JobRequestStatus_ReadsNameInAnyCaseOrNumber(string status)
    {
        var json = $$"""{"id":7,"jobType":"send-report","queueName":"send-report","payload":"{}","status":{{status}}}""";

        var row = JsonSerializer.Deserialize<JobRequest>(json, Web);

        Assert.That(row!.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public void Deserialize_UnknownStatus_Throws()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<JobStatus>("\"finished\""));
    }

    [Test]
    public void RoundTrip_EveryJobStatus_ByNameAndStoredValue()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var status in Enum.GetValues<JobStatus>())
            {
                Assert.That(JsonSerializer.Serialize(status), Is.EqualTo($"\"{status}\""));
                Assert.That(JsonSerializer.Deserialize<JobStatus>($"\"{status.ToStoredValue()}\""), Is.EqualTo(status), "the stored lower-case value reads back");
                Assert.That(JobStatusExtensions.ParseStatus(status.ToString()), Is.EqualTo(status), "the stores parse the JSON name too");
            }
        }
    }

    [Test]
    public void RoundTrip_EveryScheduleKind_ByNameAndStoredValue()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var kind in Enum.GetValues<ScheduleKind>())
            {
                Assert.That(JsonSerializer.Serialize(kind), Is.EqualTo($"\"{kind}\""));
                Assert.That(JsonSerializer.Deserialize<ScheduleKind>($"\"{kind.ToStoredValue()}\""), Is.EqualTo(kind));
            }
        }
    }

    [Test]
    public void Serialize_JobScheduleAndOutcome_WriteKindNames()
    {
        var schedule = new JobSchedule { Tag = "nightly", JobType = "send-report", Payload = "{}", Kind = ScheduleKind.Cron, Cron = "0 3 * * *" };
        var outcome = JobOutcome.Retry(null, "timeout");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(JsonDocument.Parse(JsonSerializer.Serialize(schedule, Web)).RootElement.GetProperty("kind").GetString(), Is.EqualTo("Cron"));
            Assert.That(JsonSerializer.Serialize(outcome, Web), Does.StartWith("""{"kind":"Retry","""));
            Assert.That(JsonSerializer.Deserialize<JobOutcome>("""{"kind":"retry","reason":"timeout"}""", Web), Is.EqualTo(outcome));
            Assert.That(JsonSerializer.Serialize(EnvelopeKind.Task), Is.EqualTo("\"Task\""));
        }
    }
}
