using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Diagnostics;

/// <summary>
/// Feeds the queue gauges from <see cref="IJobStore.GetQueueStatsAsync"/>. The gauges' callbacks never touch the
/// database: they return the last sample and, when it is older than
/// <see cref="TelemetryOptions.QueueStatsInterval"/>, start one refresh in the background. So the store is read only
/// while someone collects the gauges, and at most once per interval, whatever the collection rate.
/// </summary>
internal sealed class QueueStatsSampler : IHostedService, IDisposable
{
    private static readonly ConcurrentDictionary<QueueStatsSampler, byte> Active = new();

    private static readonly ObservableGauge<long> QueuedGauge = JobRunnersTelemetry.Meter.CreateObservableGauge(
        "jobrunners.queue.jobs", ObserveQueued, "{job}", "Queued jobs per queue, due or not, as last read from the store.");

    private static readonly ObservableGauge<double> OldestAgeGauge = JobRunnersTelemetry.Meter.CreateObservableGauge(
        "jobrunners.queue.oldest_due_age", ObserveOldestAge, "s", "How long the due job that has waited longest has been due, per queue (0 when none is due).");

    private readonly IJobStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<QueueStatsSampler> _logger;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stopping = new();
    private IReadOnlyList<QueueStats> _last = [];
    private long _lastAttemptTicks = long.MinValue;
    private int _refreshing;
    private int _stopped;

    public QueueStatsSampler(IJobStore store, IOptions<JobRunnersOptions> options, TimeProvider time, ILogger<QueueStatsSampler> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _interval = options.Value.Telemetry.QueueStatsInterval;
    }

    /// <summary>The last sample, for tests and the gauges.</summary>
    internal IReadOnlyList<QueueStats> Last => Volatile.Read(ref _last);

    /// <summary>Completes when the refresh in flight (if any) ends; for tests.</summary>
    internal Task? Refresh { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Touching the gauges creates them once per process.
        _ = QueuedGauge.Enabled || OldestAgeGauge.Enabled;
        Active.TryAdd(this, 0);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stop();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Stop();
        _stopping.Dispose();
    }

    /// <summary>Leaves the gauges and ends a read in flight, once: a host may dispose the sampler before it stops it.</summary>
    private void Stop()
    {
        Active.TryRemove(this, out _);
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _stopping.Cancel();
        }
    }

    /// <summary>The last sample, starting a background refresh when it is due; never waits for the store.</summary>
    internal IReadOnlyList<QueueStats> Sample()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastAttemptTicks);
        if ((last == long.MinValue || now - last >= _interval.Ticks) && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            Interlocked.Exchange(ref _lastAttemptTicks, now);
            Refresh = Task.Run(RefreshAsync, CancellationToken.None);
        }

        return Last;
    }

    private async Task RefreshAsync()
    {
        try
        {
            Volatile.Write(ref _last, await _store.GetQueueStatsAsync(_stopping.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (ObjectDisposedException)
        {
            // The host was disposed while the store was read.
        }
#pragma warning disable CA1031 // A store outage must not break metric collection; the last sample stays.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            TelemetryLog.QueueStatsFailed(_logger, ex, _store.Name, _interval);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private static IEnumerable<Measurement<long>> ObserveQueued()
    {
        foreach (var sampler in Active.Keys)
        {
            foreach (var queue in sampler.Sample())
            {
                yield return new Measurement<long>(queue.Queued, new KeyValuePair<string, object?>(TelemetryTags.Destination, queue.QueueName));
            }
        }
    }

    private static IEnumerable<Measurement<double>> ObserveOldestAge()
    {
        foreach (var sampler in Active.Keys)
        {
            var now = sampler._time.GetUtcNow();
            foreach (var queue in sampler.Sample())
            {
                var age = queue.OldestDueAt is { } due ? Math.Max(0, (now - due).TotalSeconds) : 0;
                yield return new Measurement<double>(age, new KeyValuePair<string, object?>(TelemetryTags.Destination, queue.QueueName));
            }
        }
    }
}
