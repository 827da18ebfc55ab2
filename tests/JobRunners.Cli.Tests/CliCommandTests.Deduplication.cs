using System.Globalization;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace JobRunners.Cli.Tests;

/// <content>Deduplication from the command line: dispatch by payload for a period, the second dispatch says so, and `jobs show` prints the identity.</content>
public sealed partial class CliCommandTests
{
    [Test]
    public async Task Dispatch_UniqueByPayloadForAnHour_SecondDispatchReturnsTheFirstJobAndShowPrintsTheIdentity()
    {
        string[] dispatch = ["dispatch", "greet", "--payload", """{"name":"Ada"}""", "--unique-by", "payload", "--unique-for", "01:00:00"];

        var first = await CliProcess.RunAsync(Store(), dispatch);
        var second = await CliProcess.RunAsync(Store(), dispatch);
        var id = Regex.Match(first.Output, @"Job (\d+) \(greet\) succeeded").Groups[1].Value;
        var show = await CliProcess.RunAsync(Store(), "jobs", "show", id);

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.Zero, first.Output);
            Assert.That(id, Is.Not.Empty, first.Output);
            Assert.That(second.ExitCode, Is.Zero, second.Output);
            Assert.That(second.Output, Does.Contain($"Job {id} (greet) succeeded: it already holds identity sha256:").And.Contain("nothing new was dispatched"));
            Assert.That(show.Output, Does.Match(@"identity:\s+sha256:[0-9a-f]{64}"));
            Assert.That(show.Output, Does.Match(@"identity held:\s+for 01:00:00 after dispatch \(until .* UTC\) and while unfinished"));
        });
    }

    [Test]
    public async Task Dispatch_UniqueForForeverPerQueue_ShowPrintsTheScope()
    {
        var first = await CliProcess.RunAsync(Store(), "dispatch", "greet", "--payload", """{"name":"Bo"}""", "--unique-key", "greet-bo", "--unique-for", "forever", "--unique-per-queue");
        var id = Regex.Match(first.Output, @"Job (\d+) ").Groups[1].Value;
        var show = await CliProcess.RunAsync(Store(), "jobs", "show", id.ToString(CultureInfo.InvariantCulture));

        Assert.That(first.ExitCode, Is.Zero, first.Output);
        Assert.That(show.Output, Does.Contain("identity:       greet-bo").And.Contain("identity held:  forever, within queue greet"));
    }

    [TestCase("--unique-for", "soon", "--unique-for 'soon' is not a period")]
    [TestCase("--unique-by", "body", "body")]
    public async Task Dispatch_BadDeduplicationOption_ExitsNonZeroSayingWhatToGive(string option, string value, string expected)
    {
        var (exit, output) = await CliProcess.RunAsync(Store(), "dispatch", "greet", "--payload", """{"name":"Ada"}""", "--unique-key", "k", option, value);

        Assert.That(exit, Is.Not.Zero);
        Assert.That(output, Does.Contain(expected));
        Assert.That(output, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public async Task Dispatch_UniqueForWithoutIdentity_ExitsNonZeroNamingTheOptions()
    {
        var (exit, output) = await CliProcess.RunAsync(Store(), "dispatch", "greet", "--payload", """{"name":"Ada"}""", "--unique-for", "00:10:00");

        Assert.That(exit, Is.Not.Zero);
        Assert.That(output, Does.Contain("needs an identity to hold"));
        Assert.That(output, Does.Not.Contain("   at "), "no stack trace");
    }
}
