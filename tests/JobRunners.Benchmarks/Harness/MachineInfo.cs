using System.Diagnostics;
using System.Runtime.InteropServices;

namespace JobRunners.Benchmarks.Harness;

/// <summary>What the machine is: cores, memory, CPU model (from /proc), runtime, and `uptime` before and after.</summary>
internal sealed class MachineInfo
{
    public required int Cores { get; init; }

    public required double MemoryGiB { get; init; }

    public required string CpuModel { get; init; }

    public required string Runtime { get; init; }

    public required string Os { get; init; }

    public required string UptimeBefore { get; init; }

    public string UptimeAfter { get; set; } = "";

    public static async Task<MachineInfo> CaptureAsync() => new()
    {
        Cores = Environment.ProcessorCount,
        MemoryGiB = ReadMemTotalKiB() / 1024.0 / 1024.0,
        CpuModel = ReadCpuModel(),
        Runtime = RuntimeInformation.FrameworkDescription,
        Os = RuntimeInformation.OSDescription,
        UptimeBefore = await UptimeAsync(),
    };

    public static async Task<string> UptimeAsync()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("uptime") { RedirectStandardOutput = true, UseShellExecute = false })!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return output.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return File.Exists("/proc/loadavg") ? "load average: " + File.ReadAllText("/proc/loadavg").Trim() : "(uptime unavailable)";
        }
    }

    private static string ReadCpuModel()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "(unknown CPU)" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    private static double ReadMemTotalKiB()
    {
        if (!File.Exists("/proc/meminfo"))
        {
            return double.NaN;
        }

        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
