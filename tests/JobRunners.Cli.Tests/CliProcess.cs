using System.Diagnostics;

namespace JobRunners.Cli.Tests;

/// <summary>Runs the built `jobrunners` program as a separate process, as a user would.</summary>
internal static class CliProcess
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "JobRunners.Cli.dll");

    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args) => Start([], environment, args);

    /// <summary>Starts the program behind <paramref name="wrapper"/> (e.g. setpriv to drop privileges), or directly when it is empty.</summary>
    public static Process Start(IReadOnlyList<string> wrapper, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(wrapper.Count > 0 ? wrapper[0] : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var part in wrapper.Skip(1).Concat(wrapper.Count > 0 ? ["dotnet"] : []))
        {
            info.ArgumentList.Add(part);
        }

        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    public static Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync([], environment, args);

    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> wrapper, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(wrapper, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
