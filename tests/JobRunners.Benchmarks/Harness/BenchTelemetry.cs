using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace JobRunners.Benchmarks.Harness;

/// <summary>
/// A listener that samples every JobRunners span and collects every JobRunners measurement (<c>--telemetry on</c>),
/// to measure what instrumentation costs when an application exports it; its observable gauges are read once a
/// second, as an exporter would. The spans and measurements are counted and dropped, so only the library's share
/// of the cost is measured, not an exporter's.
/// </summary>
internal sealed class BenchTelemetry : IDisposable
{
    private readonly ActivityListener _spans;
    private readonly MeterListener _meters;
    private readonly Timer _gauges;
    private long _spanCount;
    private long _measurementCount;

    private BenchTelemetry(bool sampleSpans)
    {
        // Not sampling still listens: every span is asked for and declined, as by a tracer whose sampler drops it.
        var sampling = sampleSpans ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None;
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == JobRunnersTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => sampling,
            ActivityStopped = _ => Interlocked.Increment(ref _spanCount),
        };
        ActivitySource.AddActivityListener(_spans);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == JobRunnersTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _measurementCount));
        _meters.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measurementCount));
        _meters.Start();
        _gauges = new Timer(_ => _meters.RecordObservableInstruments(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Starts listening; null when <paramref name="on"/> is false.</summary>
    public static BenchTelemetry? StartIf(bool on) => on ? new BenchTelemetry(sampleSpans: true) : null;

    /// <summary>Starts listening: every metric collected, and every span sampled or, with <paramref name="sampleSpans"/> false, declined.</summary>
    public static BenchTelemetry Start(bool sampleSpans) => new(sampleSpans);

    /// <summary>What was seen, for the console.</summary>
    public string Summary => $"{Interlocked.Read(ref _spanCount):N0} spans, {Interlocked.Read(ref _measurementCount):N0} measurements";

    public void Dispose()
    {
        _gauges.Dispose();
        _meters.Dispose();
        _spans.Dispose();
    }
}
