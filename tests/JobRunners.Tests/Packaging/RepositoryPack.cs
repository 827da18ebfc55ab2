using System.Diagnostics;
using System.Text;
using System.Xml.Linq;

namespace JobRunners.Tests.Packaging;

/// <summary>Finds the repository, reads the version its props give, and packs it with scripts/pack.sh.</summary>
internal static class RepositoryPack
{
    /// <summary>Set to a folder that scripts/pack.sh filled already to check it instead of packing again.</summary>
    public const string PackagesVariable = "JOBRUNNERS_TEST_PACKAGES";

    public static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "JobRunners.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No JobRunners.sln above {AppContext.BaseDirectory}: the packaging tests run from a build inside the repository.");
    }

    /// <summary>VersionPrefix, with "-VersionSuffix" when one is set, from the root Directory.Build.props.</summary>
    public static string VersionFromProps(string root)
    {
        var props = XDocument.Load(Path.Combine(root, "Directory.Build.props"));
        string? Value(string name) => props.Descendants().SingleOrDefault(e => e.Name.LocalName == name)?.Value.Trim();
        var prefix = Value("VersionPrefix");
        if (string.IsNullOrEmpty(prefix))
        {
            throw new InvalidOperationException("The root Directory.Build.props sets no VersionPrefix: the version of every package lives there.");
        }

        var suffix = Value("VersionSuffix");
        return string.IsNullOrEmpty(suffix) ? prefix : $"{prefix}-{suffix}";
    }

    /// <summary>
    /// Runs scripts/pack.sh into <paramref name="output"/> and fails with the tail of its output if it fails. It packs
    /// <paramref name="configuration"/>, the one these tests were built in, so the build is already done: Release under
    /// scripts/test.sh, as released. The checked metadata is the same in every configuration.
    /// </summary>
    public static async Task PackAsync(string root, string output, string configuration, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(root, "scripts", "pack.sh"));
        info.ArgumentList.Add("-nodeReuse:false");

        // The test host's MSBuild variables point at the build that started it; the pack finds its own SDK.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["JOBRUNNERS_PACKAGES"] = output;
        info.Environment["JOBRUNNERS_PACK_CONFIGURATION"] = configuration;
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";

        var log = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/pack.sh did not finish within {timeout}.{Environment.NewLine}{Tail(log)}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/pack.sh failed (exit code {process.ExitCode}).{Environment.NewLine}{Tail(log)}");
        }
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Tail(StringBuilder log)
    {
        lock (log)
        {
            var lines = log.ToString().Split('\n');
            return string.Join('\n', lines.TakeLast(40));
        }
    }
}
