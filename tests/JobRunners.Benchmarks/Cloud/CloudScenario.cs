using System.Diagnostics;
using JobRunners.Benchmarks.Harness;

namespace JobRunners.Benchmarks.Cloud;

/// <summary>
/// Scenario 5: what a runner adds over the raw SDK call when it sends to a cloud queue (fauxqs for SQS, Azurite for
/// Azure), one message at a time and ten at a time. Calls are sequential and interleaved call by call; the queue is purged before each repetition.
/// </summary>
internal sealed class CloudScenario
{
    public const string Prefix = "cloud-";

    private readonly BenchSettings _settings;
    private readonly PgServer _pg;
    private readonly ResultSet _results;

    public CloudScenario(BenchSettings settings, PgServer pg, ResultSet results)
    {
        _settings = settings;
        _pg = pg;
        _results = results;
    }

    public async Task RunAsync()
    {
#if BENCH_AWS_SQS
        if (_settings.SqsUrl is { } sqsUrl)
        {
            await using var sqs = new SqsCalls(sqsUrl);
            await MeasureAsync(await sqs.PrepareAsync(_pg.ConnectionString), sqs.PurgeAsync);
        }
        else
        {
            _results.Note("S5: no fauxqs (BENCH_SQS_URL unset): SQS figures are absent.");
        }
#else
        _results.Note("S5: runners/JobRunners.Runners.AwsSqs is missing or does not build: SQS figures are absent.");
#endif
#if BENCH_AZURE_QUEUE
        if (_settings.Azurite is { } azurite)
        {
            await using var azure = new AzureCalls(azurite);
            await MeasureAsync(await azure.PrepareAsync(_pg.ConnectionString), azure.PurgeAsync);
        }
        else
        {
            _results.Note("S5: no Azurite (BENCH_AZURITE unset): Azure figures are absent.");
        }
#else
        _results.Note("S5: runners/JobRunners.Runners.AzureQueue is missing or does not build: Azure figures are absent.");
#endif
        _results.Note($"S5: {_settings.CloudCalls} single calls and {_settings.CloudCalls / 5} batch calls per system and repetition, sequential, interleaved call by call; the raw SDK sends the exact envelope the runner sends.");
        _results.PrintBenchLines(Prefix);
        await Task.CompletedTask;
    }

    private async Task MeasureAsync(IReadOnlyList<CloudCall> calls, Func<Task> purge)
    {
        foreach (var call in calls)
        {
            for (var i = 0; i < 10; i++)
            {
                await call.Call();
            }
        }

        // Interleaved call by call, so drift on the machine and in the emulator hits every system alike.
        for (var rep = 1; rep <= _settings.Repetitions; rep++)
        {
            await purge();
            var counts = calls.Select(c => c.MessagesPerCall > 1 ? _settings.CloudCalls / 5 : _settings.CloudCalls).ToArray();
            var micros = calls.Select((_, k) => new List<double>(counts[k])).ToArray();
            for (var i = 0; i < counts.Max(); i++)
            {
                for (var k = 0; k < calls.Count; k++)
                {
                    if (i < counts[k])
                    {
                        var start = Stopwatch.GetTimestamp();
                        await calls[k].Call();
                        micros[k].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }
                }
            }

            for (var k = 0; k < calls.Count; k++)
            {
                var call = calls[k];
                var perSecond = counts[k] * call.MessagesPerCall / (micros[k].Sum() / 1e6);
                _results.Add(call.Scenario, call.System, "p50_us", Stats.Quantile(micros[k], 0.5));
                _results.Add(call.Scenario, call.System, "msgs_per_s", perSecond);
                Console.WriteLine($"  {call.Scenario} rep {rep} {call.System,-24} p50 {Stats.Quantile(micros[k], 0.5),8:N0} us  {perSecond,8:N0} msgs/s");
            }
        }
    }
}
