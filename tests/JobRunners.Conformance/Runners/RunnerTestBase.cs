using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace JobRunners.Conformance;

/// <summary>
/// Starts hosts with a runner and the kit's probes, for the conformance tests and for a runner's own tests.
/// Derive, name the runner, register it, and supply the settings it needs.
/// </summary>
/// <remarks>Each test gets its own fixture instance, so tests of one fixture can run in parallel.</remarks>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public abstract class RunnerTestBase
{
    private readonly List<string> _files = [];

    /// <summary>The name the runner is selected by.</summary>
    protected abstract string RunnerName { get; }

    /// <summary>True when dispatch runs the work before returning (the synchronous runner).</summary>
    protected virtual bool RunsInline => false;

    /// <summary>How long a test waits for work to finish.</summary>
    protected virtual TimeSpan Timeout => TimeSpan.FromSeconds(30);

    /// <summary>
    /// Settings which, applied over the working ones, leave the runner not fully configured; null when the runner
    /// needs no settings at all.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, string?>? UnconfiguredSettings => null;

    /// <summary>The setting names the configuration check must report for <see cref="UnconfiguredSettings"/>.</summary>
    protected virtual IReadOnlyList<string> ExpectedMissingSettings => [];

    /// <summary>A clock for the next host to use instead of the system clock; null for the system clock.</summary>
    protected TimeProvider? HostClock { get; set; }

    /// <summary>Registers the runner under test.</summary>
    protected abstract void AddRunner(JobRunnersBuilder jobs);

    /// <summary>
    /// Chooses the host's store: by default the SQLite file at <c>JobRunners:Sqlite:Path</c> (a fresh one per host,
    /// or <see cref="NewSharedStorePath"/>). A runner whose queue is its store overrides this.
    /// </summary>
    protected virtual void UseStore(JobRunnersBuilder jobs) => jobs.UseSqlite();

    /// <summary>Adds the settings the runner needs (queue URLs, connection strings and the like).</summary>
    protected virtual void AddSettings(IDictionary<string, string?> settings)
    {
    }

    /// <summary>Builds and starts a host with the runner, the probes, a fresh store and fast maintenance.</summary>
    protected async Task<RunnerHost> StartHostAsync(IReadOnlyDictionary<string, string?>? overrides = null, Action<JobRunnersBuilder>? configure = null)
    {
        var host = BuildHost(overrides, configure);
        await host.StartAsync().ConfigureAwait(false);
        return new RunnerHost(host, Timeout);
    }

    /// <summary>Builds (without starting) a host with the runner and the probes.</summary>
    protected IHost BuildHost(IReadOnlyDictionary<string, string?>? overrides = null, Action<JobRunnersBuilder>? configure = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"jobrunners-kit-{Guid.NewGuid():N}.db");
        _files.Add(path);
        var settings = new Dictionary<string, string?>
        {
            ["JOB_RUNNER"] = RunnerName,
            ["JobRunners:Sqlite:Path"] = path,
            ["JobRunners:MaintenanceInterval"] = "00:00:00.500",
            ["JobRunners:OutboxGrace"] = "00:00:00.500",
            ["JobRunners:Worker:Enabled"] = "true",
        };
        AddSettings(settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        if (HostClock is { } clock)
        {
            builder.Services.AddSingleton(clock);
        }

        builder.Services.AddJobRunners(builder.Configuration, jobs =>
        {
            UseStore(jobs);
            AddRunner(jobs);
            jobs.AddProbes();
            configure?.Invoke(jobs);
        });
        return builder.Build();
    }

    /// <summary>A SQLite store file several hosts of one test can share (set as <c>JobRunners:Sqlite:Path</c>); deleted when the test ends.</summary>
    protected string NewSharedStorePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"jobrunners-kit-shared-{Guid.NewGuid():N}.db");
        _files.Add(path);
        return path;
    }

    /// <summary>A key unique to one probe use.</summary>
    protected static string NewKey() => Guid.NewGuid().ToString("N");

    /// <summary>Deletes the test's store files.</summary>
    [TearDown]
    public void DeleteStoreFiles()
    {
        foreach (var file in _files)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                try
                {
                    File.Delete(file + suffix);
                }
                catch (IOException)
                {
                    // Still open by a pooled connection; the temp directory is cleaned by the OS.
                }
            }
        }

        _files.Clear();
    }
}
