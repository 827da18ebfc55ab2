using Microsoft.Playwright;
using NUnit.Framework;

namespace JobRunners.Dashboard.Tests;

/// <summary>
/// The dashboard driven in headless Chromium (Debian's <c>/usr/bin/chromium</c>, or <c>JOBRUNNERS_CHROMIUM</c>), as an
/// operator uses it. Expectations wait for the page (Playwright's auto-waiting), never for a fixed time. With
/// <c>JOBRUNNERS_DASHBOARD_SCREENSHOTS=dir</c> each page is saved there as a PNG (docs/dashboard holds the committed ones).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DashboardBrowserTests
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static string? ScreenshotDirectory => Environment.GetEnvironmentVariable("JOBRUNNERS_DASHBOARD_SCREENSHOTS");

    [OneTimeSetUp]
    public async Task StartBrowserAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("JOBRUNNERS_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            Assert.Fail($"Chromium is not at {chromium}: run ./scripts/test.sh (it installs Debian's chromium) or set JOBRUNNERS_CHROMIUM.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    [OneTimeTearDown]
    public async Task StopBrowserAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [Test]
    public async Task FailedJob_FilterOpenRetryConfirm_SeesItSucceed()
    {
        await using var app = await DashboardApp.StartAsync();
        var ok = await app.Runner.DispatchJobAsync(DashboardApp.ChargeJob, new CardPayload("grace", "4000 0000 0000 0077"));
        var job = await app.Runner.DispatchJobAsync(DashboardApp.ChargeJob, new CardPayload("ada", "4111 1111 1111 1111"));
        await app.WaitForFinalAsync(ok.Id);
        Assert.That((await app.WaitForFinalAsync(job.Id)).Status, Is.EqualTo(JobStatus.Failed));
        var page = await NewPageAsync();

        await page.GotoAsync(app.DashboardUrl);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "overview");
        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        await page.GetByLabel("Status").SelectOptionAsync("failed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(2);
        await ScreenshotAsync(page, "jobs");
        await page.GetByRole(AriaRole.Link, new() { Name = job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("failed");
        await Assertions.Expect(page.Locator("pre.failed")).ToContainTextAsync("card of ada was declined");
        await ScreenshotAsync(page, "job");
        await page.GetByRole(AriaRole.Link, new() { Name = "Retry" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Retry job");
        await ScreenshotAsync(page, "confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, retry" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("queued again");
        await Assertions.Expect(page.Locator("h1 [data-status]")).ToHaveTextAsync("succeeded");
        var final = (await app.Monitor.GetAsync(job.Id))!;
        Assert.That(final.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(final.Retries, Is.EqualTo(1));
    }

    /// <summary>What a newcomer does: `jobrunners demo`, then `jobrunners dashboard`, then retries the declined card job.</summary>
    [Test]
    public async Task CliDemoThenDashboard_RetryTheFailedDemoJob_Succeeds()
    {
        var path = Path.Combine(Path.GetTempPath(), $"jobrunners-dashboard-demo-{Guid.NewGuid():N}.db");
        string[] settings = [$"JobRunners:Sqlite:Path={path}", "JOB_RUNNER=in-process"];
        using var demoOutput = new StringWriter();
        Assert.That(await Cli.Commands.DemoCommand.RunAsync(settings, 60, demoOutput, CancellationToken.None), Is.Zero, demoOutput.ToString());
        var app = Cli.Commands.DashboardCommand.Build(Cli.CliConfiguration.Build(settings), "http://127.0.0.1:0");
        await using var disposeApp = app;
        await app.StartAsync();
        var address = app.Urls.Single().TrimEnd('/');
        var page = await NewPageAsync();

        await page.GotoAsync(address);
        await page.GetByRole(AriaRole.Link, new() { Name = "Failed", Exact = true }).ClickAsync();
        var row = page.Locator("tbody tr", new() { HasText = "charge-card" });
        await Assertions.Expect(row).ToContainTextAsync("was declined");
        await row.GetByRole(AriaRole.Link).First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Retry" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, retry" }).ClickAsync();

        await Assertions.Expect(page.Locator("h1 [data-status]")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(page.Locator("dl")).ToContainTextAsync("after an operator's retry");
        await app.StopAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(path + suffix);
            }
            catch (IOException)
            {
                // A pooled connection still holds it; the temp directory is cleaned by the OS.
            }
        }
    }

    [Test]
    public async Task RunningJob_Cancel_HandlerStopsAndPageSaysCancelled()
    {
        await using var app = await DashboardApp.StartAsync();
        var key = Guid.NewGuid().ToString("N");
        var job = await app.Runner.DispatchJobAsync(DashboardApp.HoldJob, new HoldPayload(key));
        await DashboardApp.HandlerStarted(key).WaitAsync(TimeSpan.FromSeconds(60));
        var page = await NewPageAsync();

        await page.GotoAsync($"{app.DashboardUrl}/jobs/{job.Id}");
        await Assertions.Expect(page.Locator("h1 [data-status]")).ToHaveTextAsync("running");
        await page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, cancel" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is cancelled");
        await DashboardApp.HandlerStopped(key).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That((await app.WaitForFinalAsync(job.Id)).Status, Is.EqualTo(JobStatus.Cancelled));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("h1 [data-status]")).ToHaveTextAsync("cancelled");
    }

    [Test]
    public async Task Schedule_PauseResumeTrigger()
    {
        await using var app = await DashboardApp.StartAsync();
        var page = await NewPageAsync();

        await page.GotoAsync($"{app.DashboardUrl}/schedules");
        var row = page.Locator("tr", new() { HasText = DashboardApp.Schedule });
        await Assertions.Expect(row).ToContainTextAsync("active");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Pause {DashboardApp.Schedule}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is paused");
        await Assertions.Expect(row).ToContainTextAsync("paused");
        await ScreenshotAsync(page, "schedules");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Resume {DashboardApp.Schedule}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is resumed");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Trigger now {DashboardApp.Schedule}" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("triggered now: job");
        var recurring = (Scheduling.IRecurringJobs)app.Services.GetService(typeof(Scheduling.IRecurringJobs))!;
        var schedule = await recurring.GetAsync(DashboardApp.Schedule);
        Assert.That(schedule!.Paused, Is.False);
    }

    [Test]
    public async Task Pages_OnAPhone_NoSideways()
    {
        await using var app = await DashboardApp.StartAsync();
        var page = await NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });

        await page.GotoAsync(app.DashboardUrl);

        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.That(width, Is.LessThanOrEqualTo(390), "the overview fits a phone's width");
    }

    private async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        var context = await _browser!.NewContextAsync(options ?? new() { ViewportSize = new() { Width = 1200, Height = 800 } });
        return await context.NewPageAsync();
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (ScreenshotDirectory is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            await page.ScreenshotAsync(new() { Path = Path.Combine(directory, name + ".png"), FullPage = true });
        }
    }
}
