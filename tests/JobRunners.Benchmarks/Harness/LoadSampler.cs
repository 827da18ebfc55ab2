using System.Globalization;

namespace JobRunners.Benchmarks.Harness;

/// <summary>Samples the 1-minute load average every 5 s during the run, to say how busy the machine was.</summary>
internal sealed class LoadSampler : IDisposable
{
    private readonly List<double> _samples = [];
    private readonly Timer _timer;
    private readonly Lock _lock = new();

    public LoadSampler()
    {
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    public LoadSummary Summary()
    {
        lock (_lock)
        {
            return _samples.Count == 0
                ? new LoadSummary(double.NaN, double.NaN, double.NaN, 0)
                : new LoadSummary(_samples.Min(), Stats.Quantile(_samples, 0.5), _samples.Max(), _samples.Count);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        if (!File.Exists("/proc/loadavg"))
        {
            return;
        }

        var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        if (double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            lock (_lock)
            {
                _samples.Add(value);
            }
        }
    }
}

/// <summary>The 1-minute load average seen during the run.</summary>
internal sealed record LoadSummary(double Min, double Median, double Max, int Samples)
{
    public bool Busy => Max > 1.5;

    public override string ToString() => Samples == 0
        ? "not sampled"
        : FormattableString.Invariant($"min {Min:0.00}, median {Median:0.00}, max {Max:0.00} ({Samples} samples, every 5 s)");
}
