using System.Text.RegularExpressions;
using JobRunners.Cli.Commands;
using JobRunners.Sqlite;
using NUnit.Framework;

namespace JobRunners.Cli.Tests;

[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed partial class CliCommandTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"jobrunners-cli-{Guid.NewGuid():N}.db");

    [TearDown]
    public void DeleteStore()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    [Test]
    public async Task Demo_FreshEmbeddedStore_ShowsEveryOutcomeAndRisingProgress()
    {
        using var output = new StringWriter();

        var exit = await DemoCommand.RunAsync([$"JobRunners:Sqlite:Path={_path}", "JOB_RUNNER=in-process"], 60, output, CancellationToken.None);

        var text = output.ToString();
        Assert.That(exit, Is.Zero, text);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Match(@"greet\s+succeeded\s+1/3"));
            Assert.That(text, Does.Match(@"sync-inventory\s+succeeded\s+3/3.*synced east on attempt 3"));
            Assert.That(text, Does.Match(@"charge-card\s+failed\s+3/3.*InvalidOperationException: card ending 4242 was declined"));
            Assert.That(text, Does.Contain("Rejected at dispatch, no row written").And.Contain("CardLast4"));
            Assert.That(text, Does.Match(@"follow-up job \d+"));
        });
        var progress = ProgressLine().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(progress.Distinct().Count(), Is.GreaterThanOrEqualTo(4), "several progress values were shown");
        Assert.That(progress, Is.Ordered, "progress only rises");
        Assert.That(progress[^1], Is.EqualTo(100));
    }

    [Test]
    public async Task Doctor_UnknownRunnerInProcess_ExitsNonZeroListingKnownRunners()
    {
        var (exit, output) = await CliProcess.RunAsync(new Dictionary<string, string> { ["JOB_RUNNER"] = "nope", ["JobRunners__Sqlite__Path"] = _path }, "doctor");

        Assert.That(exit, Is.Not.Zero);
        Assert.That(output, Does.Contain("'nope'").And.Contain("Known runners:").And.Contain("in-process").And.Contain("sync"));
    }

    [Test]
    public async Task Doctor_DefaultConfiguration_ReportsUsable()
    {
        var (exit, output) = await CliProcess.RunAsync(new Dictionary<string, string> { ["JobRunners__Sqlite__Path"] = _path }, "doctor");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("in-process: fully configured").And.Contain("reachable"));
        Assert.That(output, Does.Match(@"jobrunners-store:\s+Healthy\s+Store sqlite")
            .And.Match(@"jobrunners-backend:\s+Healthy")
            .And.Match(@"jobrunners-worker:\s+Healthy\s+No worker in this process")
            .And.Match(@"jobrunners-backlog:\s+Healthy"));
    }

    [Test]
    public async Task Doctor_StoreStopped_PrintsUnhealthyStoreAndExitsNonZero()
    {
        var (exit, output) = await CliProcess.RunAsync(new Dictionary<string, string> { ["ConnectionStrings__JobRunners"] = "Host=127.0.0.1;Port=1;Username=x;Timeout=2" }, "doctor");

        Assert.That(exit, Is.Not.Zero);
        Assert.That(output, Does.Match(@"jobrunners-store:\s+Unhealthy\s+Store postgres .* is unreachable: .*127\.0\.0\.1:1"));
    }

    [Test]
    public async Task ProcessKilledMidJob_NextStart_RescuesAndFinishesTheRow()
    {
        var environment = new Dictionary<string, string>
        {
            ["JobRunners__Sqlite__Path"] = _path,
            ["JobRunners__Lease"] = "00:00:02",
        };
        using (var first = CliProcess.Start(environment, "dispatch", "resize-images", "--payload", """{"images":20,"millisecondsPerImage":300}"""))
        {
            var store = new SqliteJobStore(new SqliteStoreOptions { Path = _path }, TimeProvider.System);
            await WaitUntilAsync(async () =>
            {
                try
                {
                    return (await store.GetAsync(1))?.Progress >= 10;
                }
                catch (JobStoreException ex) when (ex.SchemaMissing)
                {
                    return false;
                }
            });
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            var orphan = await store.GetAsync(1);
            Assert.That(orphan!.Status, Is.EqualTo(JobStatus.Running), "the killed process left its row running");
        }

        // The next start rescues the row once its lease lapses, and runs it.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var reader = new SqliteJobStore(new SqliteStoreOptions { Path = _path }, TimeProvider.System);
        using (var worker = CliProcess.Start(environment, "worker"))
        {
            await WaitUntilAsync(async () => (await reader.GetAsync(1))?.Status.IsFinal() == true);
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }

        var row = await new SqliteJobStore(new SqliteStoreOptions { Path = _path }, TimeProvider.System).GetAsync(1);
        Assert.Multiple(() =>
        {
            Assert.That(row!.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(row.Attempts, Is.EqualTo(2));
            Assert.That(row.LastError, Does.Contain("Lease expired"));
        });
    }

    [Test]
    public async Task JobsShowAndList_AfterDispatch_PrintRow()
    {
        var environment = new Dictionary<string, string> { ["JobRunners__Sqlite__Path"] = _path, ["JOB_RUNNER"] = "sync" };
        var (exit, dispatched) = await CliProcess.RunAsync(environment, "dispatch", "greet", "--payload", """{"name":"Grace"}""");
        Assert.That(exit, Is.Zero, dispatched);
        Assert.That(dispatched, Does.Contain("Job 1 (greet) succeeded through sync"));

        var (_, show) = await CliProcess.RunAsync(environment, "jobs", "show", "1");
        var (_, list) = await CliProcess.RunAsync(environment, "jobs", "list", "--status", "succeeded");

        Assert.That(show, Does.Contain("Hello, Grace!").And.Contain("\"name\": \"Grace\""));
        Assert.That(list, Does.Match(@"1\s+greet\s+succeeded"));
    }

    [Test]
    public async Task Dispatch_InvalidPayload_ExitsNonZeroNamingField()
    {
        var (exit, output) = await CliProcess.RunAsync(new Dictionary<string, string> { ["JobRunners__Sqlite__Path"] = _path }, "dispatch", "charge-card", "--payload", """{"cardLast4":"1"}""");

        Assert.That(exit, Is.Not.Zero);
        Assert.That(output, Does.Contain("CardLast4"));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"resize-images\s+\w+\s+\d/\d\s+\[[#.]+\]\s*(\d+)%")]
    private static partial Regex ProgressLine();
}
