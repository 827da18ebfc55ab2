using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using NUnit.Framework;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace JobRunners.Testing;

/// <summary>One measurement of a JobRunners instrument.</summary>
/// <param name="Instrument">The instrument's name.</param>
/// <param name="Value">The measured value.</param>
/// <param name="Tags">The measurement's tags.</param>
public sealed record MeasurementRecord(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    /// <summary>The value of a tag as text, or null.</summary>
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value?.ToString() : null;
}

/// <summary>
/// Collects every JobRunners span (through the OpenTelemetry SDK, all sampled, into the in-memory exporter) and every
/// JobRunners measurement (a <see cref="MeterListener"/>) for the life of one test. The source and meter are
/// process-wide, so a test filters by what it dispatched (job ids, payload keys, queue names).
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    private readonly SignalingCollection<Activity> _spans;
    private readonly ConcurrentQueue<MeasurementRecord> _measurements = new();
    private readonly TracerProvider _tracer;
    private readonly MeterListener _meters;
    private TaskCompletionSource _changed = NewSignal();

    public TelemetryCapture()
    {
        _spans = new SignalingCollection<Activity>(Signal);
        _tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(JobRunnersTelemetry.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(_spans)
            .Build();
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
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    /// <summary>The spans ended so far.</summary>
    public IReadOnlyList<Activity> Spans => _spans.Snapshot();

    /// <summary>The measurements made so far.</summary>
    public IReadOnlyList<MeasurementRecord> Measurements => [.. _measurements];

    /// <summary>Spans of one queue (<c>messaging.destination.name</c>): a test's own queue tells its spans from others'.</summary>
    public IReadOnlyList<Activity> SpansTo(string queue) =>
        Spans.Where(s => (s.GetTagItem("messaging.destination.name") as string) == queue).ToList();

    /// <summary>Spans of one job of <paramref name="queue"/> (by <c>messaging.message.id</c>).</summary>
    public IReadOnlyList<Activity> SpansOf(string queue, long jobId) =>
        SpansTo(queue).Where(s => (s.GetTagItem("messaging.message.id") as string) == jobId.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>The sum of an instrument's measurements whose tag <paramref name="tag"/> is <paramref name="value"/>.</summary>
    public double Sum(string instrument, string tag, string value) =>
        Measurements.Where(m => m.Instrument == instrument && m.Tag(tag) == value).Sum(m => m.Value);

    /// <summary>The number of an instrument's measurements whose tag <paramref name="tag"/> is <paramref name="value"/>.</summary>
    public int Count(string instrument, string tag, string value) =>
        Measurements.Count(m => m.Instrument == instrument && m.Tag(tag) == value);

    /// <summary>Reads the observable instruments now (their callbacks report through the listener).</summary>
    public void Observe() => _meters.RecordObservableInstruments();

    /// <summary>Waits until <paramref name="condition"/> holds, checking it each time a span ends or a measurement arrives.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (condition())
            {
                return;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                Assert.Fail($"timed out waiting for {what}; spans: {string.Join(", ", Spans.Select(s => s.DisplayName + "@" + s.GetTagItem("messaging.message.id")))}");
            }

            try
            {
                await changed.WaitAsync(left).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Checked once more above, then failed.
            }
        }
    }

    public void Dispose()
    {
        _meters.Dispose();
        _tracer.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, tagValue) in tags)
        {
            map[key] = tagValue;
        }

        _measurements.Enqueue(new MeasurementRecord(instrument.Name, value, map));
        Signal();
    }

    private void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    /// <summary>A thread-safe collection for the exporter that tells the capture when something arrives.</summary>
    private sealed class SignalingCollection<T>(Action added) : ICollection<T>
    {
        private readonly List<T> _items = [];

        public int Count
        {
            get
            {
                lock (_items)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public void Add(T item)
        {
            lock (_items)
            {
                _items.Add(item);
            }

            added();
        }

        public List<T> Snapshot()
        {
            lock (_items)
            {
                return [.. _items];
            }
        }

        public void Clear()
        {
            lock (_items)
            {
                _items.Clear();
            }
        }

        public bool Contains(T item) => Snapshot().Contains(item);

        public void CopyTo(T[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

        public bool Remove(T item)
        {
            lock (_items)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
