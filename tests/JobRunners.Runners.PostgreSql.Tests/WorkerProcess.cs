using System.Reflection;
using JobRunners.Tests.Shared;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>
/// A worker process (the WorkerHost project) started with <c>dotnet</c>, configured through its environment
/// like a deployment. Disposing kills it.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly DotnetProcess _process;

    private WorkerProcess(string name, DotnetProcess process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote, for failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>Starts a worker and waits until it reports ready.</summary>
    public static async Task<WorkerProcess> StartAsync(string name, string schema, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "WorkerHostDirectory").Value!;
        var dll = Path.GetFullPath(Path.Combine(directory, "JobRunners.Runners.PostgreSql.WorkerHost.dll"));
        Assert.That(File.Exists(dll), Is.True, $"The worker host is not built at {dll}; build tests/JobRunners.Runners.PostgreSql.WorkerHost.");

        var settings = new Dictionary<string, string>
        {
            ["JOB_RUNNER"] = "postgres",
            ["ConnectionStrings__JobRunners"] = TestDatabase.ConnectionString,
            ["JobRunners__PostgreSql__Schema"] = schema,
            ["JobRunners__MaintenanceInterval"] = "00:00:00.500",
            ["JobRunners__OutboxGrace"] = "00:00:00.500",
            ["WORKER_NAME"] = name,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var process = await DotnetProcess.StartAsync(dll, settings, line => line.StartsWith("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        return new WorkerProcess(name, process);
    }

    /// <summary>SIGKILL: the process stops at once, mid-job, without any cleanup.</summary>
    public void Kill() => _process.Kill();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
