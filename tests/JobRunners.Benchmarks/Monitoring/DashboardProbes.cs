using JobRunners.Benchmarks.EndToEnd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JobRunners.Benchmarks.Monitoring;

/// <summary>
/// The dashboard on Kestrel at 127.0.0.1 over the benchmark's store, and the pages S7 fetches from it: the overview
/// (counts, queues, throughput, workers: named <c>stats</c> like the API call it renders), the first page of the
/// list, a deep page, the failed jobs and one job.
/// </summary>
internal sealed class DashboardProbes : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private DashboardProbes(WebApplication app, HttpClient client, IReadOnlyList<Probe> probes)
    {
        _app = app;
        _client = client;
        Probes = probes;
    }

    public IReadOnlyList<Probe> Probes { get; }

    public static async Task<DashboardProbes> StartAsync(string connectionString, int rows)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:JobRunners"] = connectionString,
            ["JOB_RUNNER"] = JobRunnersFlavor.Primary.RunnerName,
            ["JobRunners:PostgreSql:Schema"] = JobRunnersHost.Schema,
            ["JobRunners:Worker:Enabled"] = "false",
            ["JobRunners:Retention"] = MonitoringScenario.KeepHistory["JobRunners:Retention"],
        });
        builder.Services.AddJobRunners(builder.Configuration, jobs =>
        {
            jobs.UsePostgreSql();
            JobRunnersFlavor.Primary.Register(jobs);
            jobs.AddJob<NoopPayload>(JobRunnersHost.JobType, (_, _, _) => ValueTask.CompletedTask);
        });
        builder.Services.AddJobRunnersDashboard(o => o.PageSize = 50);
        var app = builder.Build();
        app.UseRouting();
        app.MapJobRunnersDashboard("/jobs");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        var client = new HttpClient { BaseAddress = new Uri(address) };
        var random = new Random(7);
        const string system = MonitoringScenario.PageSystem;
        Func<Task> Get(Func<string> path) => async () =>
        {
            using var response = await client.GetAsync(path());
            response.EnsureSuccessStatusCode();
            _ = await response.Content.ReadAsStringAsync();
        };
        Probe[] probes =
        [
            new(system, "stats", Get(() => "/jobs/")),
            new(system, "list", Get(() => "/jobs/jobs")),
            new(system, "list-deep", Get(() => $"/jobs/jobs?before={random.Next(rows / 4, rows)}")),
            new(system, "list-failed", Get(() => "/jobs/jobs?status=failed")),
            new(system, "get", Get(() => $"/jobs/jobs/{random.Next(1, rows + 1)}")),
        ];
        return new DashboardProbes(app, client, probes);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
