using System.Diagnostics;
using System.Globalization;

namespace JobRunners.Tests.Shared;

/// <summary>
/// A .NET program started with <c>dotnet app.dll</c>, configured through its environment like a deployment, with
/// its output kept for failure messages. Disposing kills what is left of it.
/// </summary>
internal sealed class DotnetProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private DotnetProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote.</summary>
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

    /// <summary>Starts <paramref name="dll"/> and waits until a line of its output satisfies <paramref name="isReady"/>.</summary>
    /// <exception cref="InvalidOperationException">It exited before it was ready (the message carries its output).</exception>
    public static async Task<DotnetProcess> StartAsync(string dll, IReadOnlyDictionary<string, string> environment, Func<string, bool> isReady, TimeSpan readyTimeout)
    {
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
        var started = new DotnetProcess(process);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            started.Remember(e.Data);
            if (e.Data is { } line && isReady(line))
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => started.Remember(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"{Path.GetFileName(dll)} exited with {process.ExitCode}:{Environment.NewLine}{started.Output}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(readyTimeout);
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    /// <summary>SIGKILL: the process tree stops at once, mid-job, without any cleanup.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Sends SIGTERM, as an orchestrator does, and returns the exit code once the process has exited.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
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
