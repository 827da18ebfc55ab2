using System.Net;
using System.Net.Http.Json;
using JobRunners.Conformance;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using JobRunners.Tests.WebApp;
using NUnit.Framework;

namespace JobRunners.Tests.Hosting;

/// <summary>
/// <c>AddJobRunners</c> composes like a Microsoft.Extensions library: calls accumulate, nothing is chosen at
/// registration, and the runner follows the configuration the host ends up with.
/// </summary>
[TestFixture]
public sealed class CompositionTests
{
    private string _database = "";

    [SetUp]
    public void NewDatabase() => _database = Path.Combine(Path.GetTempPath(), $"jr-composition-{Guid.NewGuid():N}.db");

    [TearDown]
    public void DeleteDatabase()
    {
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_database) + "*"))
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task WebApplicationFactory_AppAndLibraryEachCallAddJobRunners_BothJobsRun()
    {
        await using var factory = Factory(runner: null);
        using var client = factory.CreateClient();

        Assert.That(await client.GetStringAsync(new Uri("/runner", UriKind.Relative)), Is.EqualTo("in-process"));
        var name = Guid.NewGuid().ToString("N");
        var app = await DispatchAsync(client, "greet", name);
        var library = await DispatchAsync(client, "library-report", name);

        var store = factory.Services.GetRequiredService<JobRunners.Extensibility.IJobStore>();
        Assert.That((await WaitForFinalAsync(store, app.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That((await WaitForFinalAsync(store, library.Id)).Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That((Ran.Jobs[name], Ran.Jobs["report:" + name]), Is.EqualTo((app.Id, library.Id)));
    }

    [Test]
    public async Task WebApplicationFactory_MapHealthChecks_ReportsHealthyOnceStarted()
    {
        await using var factory = Factory(runner: null);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task WebApplicationFactory_RunnerSetByTestConfiguration_AppUsesIt()
    {
        await using var factory = Factory(runner: "sync");
        using var client = factory.CreateClient();

        Assert.That(await client.GetStringAsync(new Uri("/runner", UriKind.Relative)), Is.EqualTo("sync"));

        // The synchronous runner returns the final row from the dispatch itself.
        var row = await DispatchAsync(client, "greet", Guid.NewGuid().ToString("N"));
        Assert.That(row.Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task Start_UnknownRunner_FailsBeforeAnyHostedServiceStarts()
    {
        var started = new StartProbe();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["JobRunners:Sqlite:Path"] = _database });
        builder.Services.AddSingleton<IHostedService>(started);
        builder.AddJobRunners(jobs => jobs.UseSqlite().AddInProcessRunner());

        // Registration chose nothing: a source added afterwards (as a test host does) decides the runner.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["JOB_RUNNER"] = "rabbit" });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<UnknownRunnerException>(() => host.StartAsync());
        Assert.That(error!.Message, Does.Contain("rabbit").And.Contain("in-process"));
        Assert.That(started.Started, Is.False, "no hosted service ran");
    }

    [Test]
    public async Task Start_InvalidSettings_OptionsValidationBeforeAnyHostedServiceStarts()
    {
        var started = new StartProbe();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JobRunners:Sqlite:Path"] = _database,
            ["JobRunners:MaintenanceInterval"] = "00:00:00",
        });
        builder.Services.AddSingleton<IHostedService>(started);
        builder.AddJobRunners(jobs => jobs.UseSqlite().AddInProcessRunner());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.That(error!.Failures, Has.Some.Contain("MaintenanceInterval"));
        Assert.That(started.Started, Is.False, "no hosted service ran");
    }

    [Test]
    public async Task AddJobRunners_PreRegisteredTimeProvider_IsKept()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddJobRunners(Configuration(), jobs => jobs.UseSqlite().AddInProcessRunner());
        services.AddJobRunners(Configuration(), jobs => jobs.AddSynchronousRunner());

        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(clock));
        Assert.That(provider.GetServices<IHostedService>().Count(s => s.GetType().Name == "JobRunnersStartup"), Is.EqualTo(1), "core services are added once");
        Assert.That(provider.GetRequiredService<SelectedRunner>().Registered, Is.EquivalentTo(new[] { "in-process", "sync" }));
    }

    [Test]
    public void AddJobRunners_SameJobNameInTwoCalls_RefusedNamingIt()
    {
        var services = new ServiceCollection();
        services.AddJobRunners(Configuration(), jobs => jobs.AddJob<Greeting>("greet", (_, _, _) => ValueTask.CompletedTask));

        var error = Assert.Throws<RegistrationException>(() =>
            services.AddJobRunners(Configuration(), jobs => jobs.AddJob<Greeting>("greet", (_, _, _) => ValueTask.CompletedTask)));
        Assert.That(error!.Message, Does.Contain("'greet'"));
    }

    [Test]
    public async Task OptionsMonitor_ConfigurationReloads_SeesNewSettings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JobRunners:Sqlite:Path"] = _database,
            ["JobRunners:Lease"] = "00:00:30",
        }).Build();
        var services = new ServiceCollection();
        services.AddJobRunners(configuration, jobs => jobs.AddInProcessRunner());
        await using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<JobRunnersOptions>>();
        Assert.That(monitor.CurrentValue.Lease, Is.EqualTo(TimeSpan.FromSeconds(30)));

        configuration["JobRunners:Lease"] = "00:01:00";
        configuration.Reload();

        Assert.That(monitor.CurrentValue.Lease, Is.EqualTo(TimeSpan.FromMinutes(1)));
    }

    private IConfiguration Configuration() =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["JobRunners:Sqlite:Path"] = _database }).Build();

    private WebApplicationFactory<Program> Factory(string? runner) => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseSetting("JobRunners:Sqlite:Path", _database);
        if (runner is not null)
        {
            web.UseSetting("JOB_RUNNER", runner);
        }
    });

    private static async Task<JobRequest> DispatchAsync(HttpClient client, string type, string name)
    {
        using var response = await client.PostAsJsonAsync(new Uri($"/jobs/{type}", UriKind.Relative), new Greeting(name));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JobRequest>())!;
    }

    private static Task<JobRequest> WaitForFinalAsync(JobRunners.Extensibility.IJobStore store, long id) =>
        StoreWaits.UntilFinalAsync(store, id, TimeSpan.FromSeconds(60));

    private sealed class StartProbe : IHostedService
    {
        public bool Started { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
