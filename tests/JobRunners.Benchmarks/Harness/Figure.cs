using System.Globalization;

namespace JobRunners.Benchmarks.Harness;

/// <summary>One measured quantity (scenario, system, metric) and its samples, one per repetition.</summary>
internal sealed class Figure
{
    private readonly List<double> _samples = [];

    public Figure(string scenario, string system, string metric)
    {
        Scenario = scenario;
        System = system;
        Metric = metric;
    }

    public string Scenario { get; }

    public string System { get; }

    public string Metric { get; }

    public IReadOnlyList<double> Samples => _samples;

    public double Median => Quantile(0.5);

    public double Min => _samples.Count == 0 ? double.NaN : _samples.Min();

    public double Max => _samples.Count == 0 ? double.NaN : _samples.Max();

    /// <summary>Higher is better for rates (not statements per second), lower for latencies, bytes and counts.</summary>
    public bool HigherIsBetter =>
        (Metric.EndsWith("_per_s", StringComparison.Ordinal) && !Metric.StartsWith("statements", StringComparison.Ordinal)) || Metric.StartsWith("speedup", StringComparison.Ordinal);

    public void Add(double value) => _samples.Add(value);

    public double Quantile(double q) => Stats.Quantile(_samples, q);

    public string Spread => _samples.Count == 0 ? "" : $"{Format(Min)}-{Format(Max)}";

    public string BenchLine() => $"BENCH {Scenario} {System} {Metric} {Format(Median)}";

    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        var abs = Math.Abs(value);
        var format = abs >= 100 ? "0" : abs >= 10 ? "0.0" : abs >= 1 ? "0.00" : "0.000";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }
}
