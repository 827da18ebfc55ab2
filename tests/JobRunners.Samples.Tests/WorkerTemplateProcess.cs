using System.Reflection;
using JobRunners.Tests.Shared;

namespace JobRunners.Samples.Tests;

/// <summary>
/// The worker template (samples/JobRunners.Worker) started as the README says: <c>dotnet JobRunners.Worker.dll</c>,
/// configured through its environment. <see cref="StopAsync"/> sends SIGTERM; disposing kills what is left.
/// </summary>
internal sealed class WorkerTemplateProcess : IAsyncDisposable
{
    private readonly DotnetProcess _process;

    private WorkerTemplateProcess(DotnetProcess process) => _process = process;

    /// <summary>What the process wrote, for failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>Starts the worker and waits until its host reports it started (settings checked, worker running).</summary>
    public static async Task<WorkerTemplateProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var directory = typeof(WorkerTemplateProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "WorkerTemplateDirectory").Value!;
        var dll = Path.GetFullPath(Path.Combine(directory, "JobRunners.Worker.dll"));
        Assert.That(File.Exists(dll), Is.True, $"The worker template is not built at {dll}; build samples/JobRunners.Worker.");

        var process = await DotnetProcess.StartAsync(dll, environment, line => line.Contains("Application started", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        return new WorkerTemplateProcess(process);
    }

    /// <summary>Sends SIGTERM, as an orchestrator does, and returns the exit code once the worker has drained and exited.</summary>
    public Task<int> StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(60));

    /// <summary>Kills the process tree if it still runs (a failed test), then releases the process.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
