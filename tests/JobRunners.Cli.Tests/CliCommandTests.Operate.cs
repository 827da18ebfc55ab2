using System.Text.Json;
using JobRunners.Cli.Commands;
using NUnit.Framework;

namespace JobRunners.Cli.Tests;

/// <content>Operating jobs from the command line: stats, retry, cancel, delete, purge, and --json for scripts.</content>
public sealed partial class CliCommandTests
{
    [Test]
    public async Task JobsRetry_DemoFailedJob_RunsAgainAndSucceeds()
    {
        var failedId = await RunDemoAndFindFailedAsync();

        var (exit, output) = await CliProcess.RunAsync(Store(), "jobs", "retry", failedId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (_, json) = await CliProcess.RunAsync(Store(), "jobs", "show", failedId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain($"Job {failedId} is queued again").And.Contain("succeeded"));
        using var row = JsonDocument.Parse(json);
        Assert.Multiple(() =>
        {
            Assert.That(row.RootElement.GetProperty("status").GetString(), Is.EqualTo("succeeded"));
            Assert.That(row.RootElement.GetProperty("retries").GetInt32(), Is.EqualTo(1));
            Assert.That(row.RootElement.GetProperty("resultMessage").GetString(), Does.Contain("after an operator's retry"));
        });
    }

    [Test]
    public async Task Stats_AfterDemo_CountsByStatusAndTypeAsTextAndJson()
    {
        await RunDemoAndFindFailedAsync();

        var (exit, text) = await CliProcess.RunAsync(Store(), "stats");
        var (jsonExit, json) = await CliProcess.RunAsync(Store(), "stats", "--json");

        Assert.That(exit, Is.Zero, text);
        Assert.That(text, Does.Match(@"charge-card\s+0\s+0\s+0\s+1\s+0").And.Contain("failed in the last hour: 1"));
        Assert.That(jsonExit, Is.Zero, json);
        using var stats = JsonDocument.Parse(json);
        var counts = stats.RootElement.GetProperty("counts").EnumerateArray()
            .Select(c => (c.GetProperty("jobType").GetString(), c.GetProperty("status").GetString(), c.GetProperty("count").GetInt64())).ToList();
        Assert.That(counts, Does.Contain(("charge-card", "failed", 1L)));
        Assert.That(stats.RootElement.GetProperty("failedLastHour").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task JobsActions_WrongState_ExitNonZeroSayingWhy()
    {
        var failedId = (await RunDemoAndFindFailedAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var cancel = await CliProcess.RunAsync(Store(), "jobs", "cancel", failedId);
        var runNow = await CliProcess.RunAsync(Store(), "jobs", "run-now", failedId);
        var missing = await CliProcess.RunAsync(Store(), "jobs", "delete", "987654");
        var both = await CliProcess.RunAsync(Store(), "jobs", "retry", failedId, "--status", "failed");
        var purgeQueued = await CliProcess.RunAsync(Store(), "jobs", "purge", "--status", "queued", "--older-than", "1:00:00");
        var delete = await CliProcess.RunAsync(Store(), "jobs", "delete", failedId);

        Assert.Multiple(() =>
        {
            Assert.That(cancel.ExitCode, Is.Not.Zero);
            Assert.That(cancel.Output, Does.Contain($"Job {failedId} is failed, so it is not cancelled"));
            Assert.That(runNow.Output, Does.Contain("only a queued job that waits is run now"));
            Assert.That(missing.Output, Does.Contain("No job has id 987654"));
            Assert.That(both.Output, Does.Contain("Give a job id, or --status failed|cancelled"));
            Assert.That(purgeQueued.Output, Does.Contain("Purge takes finished jobs"));
            Assert.That(new[] { cancel, runNow, missing, both, purgeQueued }.Select(r => r.Output), Has.None.Contain("   at "), "no stack trace");
            Assert.That(delete.ExitCode, Is.Zero, delete.Output);
        });
    }

    [Test]
    public async Task JobsList_PagesWithTheCursorItPrints()
    {
        await RunDemoAndFindFailedAsync();

        var (_, first) = await CliProcess.RunAsync(Store(), "jobs", "list", "--limit", "2", "--json");
        using var page = JsonDocument.Parse(first);
        var next = page.RootElement.GetProperty("nextBeforeId").GetInt64();
        var (_, second) = await CliProcess.RunAsync(Store(), "jobs", "list", "--limit", "2", "--before-id", next.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var firstIds = page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
        Assert.That(firstIds, Has.Count.EqualTo(2));
        Assert.That(next, Is.EqualTo(firstIds[^1]));
        Assert.That(second, Does.Match($@"\n\s+{next - 1}\s").And.Contain("more: jobrunners jobs list --before-id"));
    }

    private Dictionary<string, string> Store() => new() { ["JobRunners__Sqlite__Path"] = _path, ["JOB_RUNNER"] = "in-process" };

    /// <summary>Runs the demo into this test's store and returns the id of its failed charge-card job.</summary>
    private async Task<long> RunDemoAndFindFailedAsync()
    {
        using var output = new StringWriter();
        var exit = await DemoCommand.RunAsync([$"JobRunners:Sqlite:Path={_path}", "JOB_RUNNER=in-process"], 60, output, CancellationToken.None);
        Assert.That(exit, Is.Zero, output.ToString());
        var (_, json) = await CliProcess.RunAsync(Store(), "jobs", "list", "--status", "failed", "--json");
        using var page = JsonDocument.Parse(json);
        return page.RootElement.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetInt64();
    }
}
