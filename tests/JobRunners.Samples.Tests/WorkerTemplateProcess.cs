using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace JobRunners.Samples.Tests;

/// <summary>
/// The worker template (samples/JobRunners.Worker) started as the README says: <c>dotnet JobRunners.Worker.dll</c>,
/// configured through its environment. <see cref="StopAsync"/> sends SIGTERM; disposing kills what is left.
/// </summary>
internal sealed class WorkerTemplateProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private WorkerTemplateProcess(Process process) => _process = process;

    /// <summary>What the process wrote, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output.TakeLast(60));
            }
        }
    }

    /// <summary>Starts the worker and waits until its host reports it started (settings checked, worker running).</summary>
    public static async Task<WorkerTemplateProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var directory = typeof(WorkerTemplateProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "WorkerTemplateDirectory").Value!;
        var dll = Path.GetFullPath(Path.Combine(directory, "JobRunners.Worker.dll"));
        Assert.That(File.Exists(dll), Is.True, $"The worker template is not built at {dll}; build samples/JobRunners.Worker.");

        var start = new ProcessStartInfo(DotnetPath(), [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var worker = new WorkerTemplateProcess(process);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            worker.Remember(e.Data);
            if (e.Data?.Contains("Application started", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => worker.Remember(e.Data);
        process.Exited += (_, _) => started.TrySetException(new InvalidOperationException($"The worker exited with {process.ExitCode}:{Environment.NewLine}{worker.Output}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }

        return worker;
    }

    /// <summary>Sends SIGTERM, as an orchestrator does, and returns the exit code once the worker has drained and exited.</summary>
    public async Task<int> StopAsync()
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the process tree if it still runs (a failed test), then releases the process.</summary>
    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string DotnetPath() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }
}
