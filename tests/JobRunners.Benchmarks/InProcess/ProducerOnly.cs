using System.Diagnostics;
using System.Threading.Channels;
using Coravel;
using Coravel.Queuing.Interfaces;
using Hangfire;
using Hangfire.InMemory;
using JobRunners.Benchmarks.EndToEnd;
using Microsoft.Extensions.DependencyInjection;

namespace JobRunners.Benchmarks.InProcess;

/// <summary>
/// The dispatching side alone: no consumer runs and every queue has room, so each call completes on the calling
/// thread. Gives the bytes one dispatch allocates (GC.GetAllocatedBytesForCurrentThread) and its time, which
/// separates the producer's cost from the consumers' in the BenchmarkDotNet figures.
/// </summary>
internal static class ProducerOnly
{
    private const int Calls = 50_000;

    public static async Task<IReadOnlyList<(string Name, double Bytes, double Nanoseconds)>> MeasureAsync(string connectionString)
    {
        var results = new List<(string, double, double)>();
        var payload = new NoopPayload(1);

        using (var host = InProcessHosts.Build(connectionString, capacity: 2_000_000))
        {
            var runner = host.Services.GetRequiredService<IJobRunner>(); // host not started: no worker drains
            results.Add(Measure("jobrunners-inprocess", () => runner.DispatchTaskAsync(JobRunnersHost.TaskName, payload)));

            // The registry's part alone (lookup, bind, validate, envelope): what the dispatch adds before the channel write.
            var registry = host.Services.GetRequiredService<JobRegistry>();
            results.Add(Measure("jobrunners-prepare-only", () =>
            {
                registry.PrepareTask(JobRunnersHost.TaskName, payload);
                return ValueTask.CompletedTask;
            }));
        }

        var channel = Channel.CreateBounded<(long, object?)>(new BoundedChannelOptions(2_000_000) { FullMode = BoundedChannelFullMode.Wait });
        results.Add(Measure("bare-channel", () => channel.Writer.WriteAsync((0, payload))));

        using (var storage = new InMemoryStorage())
        {
            var client = new BackgroundJobClient(storage);
            results.Add(Measure("hangfire-inmemory", () =>
            {
                client.Enqueue(() => HangfireNoop.Run());
                return ValueTask.CompletedTask;
            }, calls: 5_000));
        }

        var services = new ServiceCollection().AddLogging();
        services.AddQueue();
        await using (var provider = services.BuildServiceProvider())
        {
            var queue = provider.GetRequiredService<IQueue>();
            results.Add(Measure("coravel-queue", () =>
            {
                queue.QueueAsyncTask(() => Task.CompletedTask);
                return ValueTask.CompletedTask;
            }));
        }

        return results;
    }

    private static (string, double, double) Measure(string name, Func<ValueTask> call, int calls = Calls)
    {
        for (var i = 0; i < calls / 10; i++)
        {
            Complete(call());
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            Complete(call());
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        return (name, (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls, elapsed.TotalNanoseconds / calls);
    }

    private static void Complete(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("A dispatch did not complete on the calling thread; the producer-only measurement needs room in the queue.");
        }
    }
}
