using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JobRunners.Dashboard.Tests;

/// <summary>A payload with a secret and free text, as an application's would be.</summary>
public sealed record CardPayload(string Customer, [property: Sensitive] string CardNumber);

/// <summary>A payload naming a probe the test waits on.</summary>
public sealed record HoldPayload(string Key);

/// <summary>
/// An ASP.NET Core application on Kestrel at 127.0.0.1 (a free port) with JobRunners (SQLite file, in-process runner),
/// the dashboard at <c>/jobs</c>, and jobs the tests drive: one declined until an operator retries it, one that
/// runs until its token fires, and a schedule.
/// </summary>
public sealed class DashboardApp : IAsyncDisposable
{
    public const string ChargeJob = "charge-card";
    public const string HoldJob = "hold";
    public const string Schedule = "nightly-charge";

    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Started = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Stopped = new();

    private readonly WebApplication _app;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"jobrunners-dashboard-{Guid.NewGuid():N}.db");

    private DashboardApp(Action<DashboardOptions>? configure)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        builder.Logging.AddFilter(_ => false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = "in-process",
            ["JobRunners:Sqlite:Path"] = _path,
            ["JobRunners:HeartbeatInterval"] = "00:00:00.200",
        });
        builder.Services.AddJobRunners(builder.Configuration, jobs => jobs
            .UseSqlite()
            .AddInProcessRunner()
            .AddJob<CardPayload>(ChargeJob, (p, context, _) =>
            {
                if (context.Retries == 0)
                {
                    throw new InvalidOperationException($"card of {p.Customer} was declined");
                }

                context.SetResult($"charged {p.Customer}");
                return ValueTask.CompletedTask;
            }, o => o.Retry = new RetryPolicy { MaxAttempts = 1 })
            .AddJob<HoldPayload>(HoldJob, async (p, _, ct) =>
            {
                StartedOf(p.Key).TrySetResult();
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
                }
                finally
                {
                    StoppedOf(p.Key).TrySetResult();
                }
            })
            .AddRecurring(Schedule, ChargeJob, new CardPayload("nightly", "4000 0000 0000 0002"), Scheduling.Schedule.Every(TimeSpan.FromHours(24))));
        builder.Services.AddJobRunnersDashboard(configure);
        _app = builder.Build();
        _app.UseRouting();
        _app.MapJobRunnersDashboard("/jobs");
    }

    public IServiceProvider Services => _app.Services;

    public IJobRunner Runner => Services.GetRequiredService<IJobRunner>();

    public IJobMonitor Monitor => Services.GetRequiredService<IJobMonitor>();

    /// <summary>The dashboard's address, such as http://127.0.0.1:41234/jobs.</summary>
    public string DashboardUrl { get; private set; } = "";

    public static async Task<DashboardApp> StartAsync(Action<DashboardOptions>? configure = null)
    {
        var app = new DashboardApp(configure);
        await app._app.StartAsync().ConfigureAwait(false);
        var address = app._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        app.DashboardUrl = address.TrimEnd('/') + "/jobs";
        return app;
    }

    public static Task HandlerStarted(string key) => StartedOf(key).Task;

    public static Task HandlerStopped(string key) => StoppedOf(key).Task;

    /// <summary>Waits until the row is final (the worker writes it on its own thread), with the kit's store wait.</summary>
    public Task<JobRequest> WaitForFinalAsync(long id) =>
        Conformance.StoreWaits.UntilFinalAsync(Services.GetRequiredService<JobRunners.Extensibility.IJobStore>(), id, TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(_path + suffix);
            }
            catch (IOException)
            {
                // A pooled connection still holds it; the temp directory is cleaned by the OS.
            }
        }
    }

    private static TaskCompletionSource StartedOf(string key) => Started.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    private static TaskCompletionSource StoppedOf(string key) => Stopped.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
}
