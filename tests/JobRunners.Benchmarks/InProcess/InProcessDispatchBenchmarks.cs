using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Coravel;
using Coravel.Queuing.Interfaces;
using Hangfire;
using Hangfire.InMemory;
using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Benchmarks.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JobRunners.Benchmarks.InProcess;

/// <summary>
/// Scenario 3 under BenchmarkDotNet: one in-process dispatch of a no-op task while consumers drain the queue.
/// Each benchmark sets up only its own system, so no consumer of another system competes for the two cores.
/// </summary>
public class InProcessDispatchBenchmarks
{
    private static readonly NoopPayload Payload = new(1);

    /// <summary>Set by the harness before BenchmarkDotNet runs (same process: in-process toolchain).</summary>
    internal static string ConnectionString { get; set; } = "";

    /// <summary>Channel capacity of the in-process runner and the bare channel: the runner's default.</summary>
    private const int Capacity = 10_000;

    private IHost? _host;
    private BenchTelemetry? _telemetry;
    private IJobRunner? _runner;
    private Channel<(long, object?)>? _channel;
    private CancellationTokenSource? _drain;
    private Task[] _consumers = [];
    private BackgroundJobServer? _hangfireServer;
    private BackgroundJobClient? _hangfireClient;
    private InMemoryStorage? _hangfireStorage;
    private ServiceProvider? _coravel;
    private IQueue? _coravelQueue;

    [GlobalSetup(Target = nameof(JobRunnersInProcess))]
    public async Task SetupJobRunners()
    {
        _host = InProcessHosts.Build(ConnectionString, Capacity);
        await _host.StartAsync();
        _runner = _host.Services.GetRequiredService<IJobRunner>();
    }

    // The same dispatch with a listener collecting every JobRunners metric and every span sampled, or every span
    // declined (metrics only): the cost of telemetry measured in the same run as the figure without it.
    [GlobalSetup(Target = nameof(JobRunnersInProcessTraced))]
    public Task SetupJobRunnersTraced()
    {
        _telemetry = BenchTelemetry.Start(sampleSpans: true);
        return SetupJobRunners();
    }

    [GlobalSetup(Target = nameof(JobRunnersInProcessMetrics))]
    public Task SetupJobRunnersMetrics()
    {
        _telemetry = BenchTelemetry.Start(sampleSpans: false);
        return SetupJobRunners();
    }

    [GlobalSetup(Target = nameof(BareChannel))]
    public void SetupChannel()
    {
        // The same channel the in-process runner uses (bounded 10,000, waiting writers), two consumers doing nothing.
        _channel = Channel.CreateBounded<(long, object?)>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait });
        _drain = new CancellationTokenSource();
        var reader = _channel.Reader;
        _consumers = Enumerable.Range(0, 2).Select(consumer => Task.Run(async () =>
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out _))
                {
                }
            }
        })).ToArray();
    }

    [GlobalSetup(Target = nameof(HangfireInMemory))]
    public void SetupHangfire()
    {
        _hangfireStorage = new InMemoryStorage();
        _hangfireClient = new BackgroundJobClient(_hangfireStorage);
        _hangfireServer = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = 2 }, _hangfireStorage);
    }

    [GlobalSetup(Target = nameof(CoravelQueue))]
    public void SetupCoravel()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddQueue();
        _coravel = services.BuildServiceProvider();
        _coravelQueue = _coravel.GetRequiredService<IQueue>();
        _drain = new CancellationTokenSource();
        _consumers = [Task.Run(() => CoravelDrain.RunAsync(_coravelQueue, _drain.Token))];
    }

    [Benchmark(Description = "jobrunners-inprocess")]
    public ValueTask JobRunnersInProcess() => _runner!.DispatchTaskAsync(JobRunnersHost.TaskName, Payload);

    [Benchmark(Description = "jobrunners-inprocess+traces")]
    public ValueTask JobRunnersInProcessTraced() => _runner!.DispatchTaskAsync(JobRunnersHost.TaskName, Payload);

    [Benchmark(Description = "jobrunners-inprocess+metrics")]
    public ValueTask JobRunnersInProcessMetrics() => _runner!.DispatchTaskAsync(JobRunnersHost.TaskName, Payload);

    [Benchmark(Description = "bare-channel")]
    public ValueTask BareChannel() => _channel!.Writer.WriteAsync((0, Payload));

    [Benchmark(Description = "hangfire-inmemory")]
    public string HangfireInMemory() => _hangfireClient!.Enqueue(() => HangfireNoop.Run());

    [Benchmark(Description = "coravel-queue")]
    public Guid CoravelQueue() => _coravelQueue!.QueueAsyncTask(() => Task.CompletedTask);

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _channel?.Writer.TryComplete();
        if (_drain is not null)
        {
            await _drain.CancelAsync();
        }

        await Task.WhenAll(_consumers);
        _drain?.Dispose();
        _hangfireServer?.Dispose();
        _hangfireStorage?.Dispose();
        if (_coravel is not null)
        {
            await _coravel.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        _telemetry?.Dispose();
        _telemetry = null;
    }
}
