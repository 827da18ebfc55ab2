using JobRunners.Benchmarks.Harness;

namespace JobRunners.Benchmarks.Report;

/// <summary>The human-readable summary printed at the end of a run.</summary>
internal static class ConsoleTable
{
    public static void Print(ResultSet results, IReadOnlyList<TargetResult> targets)
    {
        Console.WriteLine();
        Console.WriteLine($"{"scenario",-26} {"system",-26} {"metric",-22} {"median",12} {"min-max",21} {"n",2}");
        Console.WriteLine(new string('-', 113));
        foreach (var figure in results.Figures)
        {
            Console.WriteLine($"{figure.Scenario,-26} {figure.System,-26} {figure.Metric,-22} {Figure.Format(figure.Median),12} {figure.Spread,21} {figure.Samples.Count,2}");
        }

        Console.WriteLine();
        Console.WriteLine("targets (goals, not assertions):");
        foreach (var target in targets)
        {
            var met = target.Met switch { true => "met", false => "MISSED", null => "n/a" };
            Console.WriteLine($"  [{met,6}] {target.Scenario} {target.Figure} ({target.Target}): {target.Measured}{(target.Limit.Length > 0 ? $" (limited by: {target.Limit})" : "")}");
        }
    }
}
