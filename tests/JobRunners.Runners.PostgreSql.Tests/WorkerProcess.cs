using System.Diagnostics;
using System.Reflection;

namespace JobRunners.Runners.PostgreSql.Tests;

/// <summary>
/// A worker process (the WorkerHost project) started with <c>dotnet</c>, configured through its environment
/// like a deployment. Disposing kills it.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private WorkerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts a worker and waits until it reports ready.</summary>
    public static async Task<WorkerProcess> StartAsync(string name, string schema, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "WorkerHostDirectory").Value!;
        var dll = Path.GetFullPath(Path.Combine(directory, "JobRunners.Runners.PostgreSql.WorkerHost.dll"));
        Assert.That(File.Exists(dll), Is.True, $"The worker host is not built at {dll}; build tests/JobRunners.Runners.PostgreSql.WorkerHost.");

        var start = new ProcessStartInfo(DotnetPath(), [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["JOB_RUNNER"] = "postgres";
        start.Environment["ConnectionStrings__JobRunners"] = TestDatabase.ConnectionString;
        start.Environment["JobRunners__PostgreSql__Schema"] = schema;
        start.Environment["JobRunners__MaintenanceInterval"] = "00:00:00.500";
        start.Environment["JobRunners__OutboxGrace"] = "00:00:00.500";
        start.Environment["WORKER_NAME"] = name;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var worker = new WorkerProcess(name, process);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            worker.Remember(e.Data);
            if (e.Data?.StartsWith("ready", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => worker.Remember(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"Worker {name} exited with {process.ExitCode}: {worker.Output}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }

        return worker;
    }

    /// <summary>What the process wrote, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output.TakeLast(40));
            }
        }
    }

    /// <summary>SIGKILL: the process stops at once, mid-job, without any cleanup.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
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
