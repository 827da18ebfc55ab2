using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>JobRunners with one runner flavor on the PostgreSQL store, dispatching through <see cref="IJobRunner"/>.</summary>
internal sealed class JobRunnersSystem : IEndToEndSystem
{
    private static readonly NoopPayload Payload = new(1);

    private readonly string _connectionString;
    private readonly NpgsqlDataSource _admin;
    private readonly JobRunnersFlavor _flavor;
    private IHost? _host;
    private IJobRunner? _runner;

    public JobRunnersSystem(string connectionString, NpgsqlDataSource admin, JobRunnersFlavor flavor)
    {
        _connectionString = connectionString;
        _admin = admin;
        _flavor = flavor;
    }

    public string Name => _flavor.System;

    public string? BatchApi => "IJobRunner.DispatchJobsAsync";

    public async Task StartAsync(int workers, CompletionCounter counter)
    {
        await JobRunnersHost.ResetAsync(_admin);
        _host = JobRunnersHost.Build(SystemConnection.ForWorkers(_connectionString, workers), _flavor, workers, counter);
        await _host.StartAsync();
        _runner = _host.Services.GetRequiredService<IJobRunner>();
    }

    public async Task EnqueueAsync(int count, bool batch, int batchSize)
    {
        var runner = _runner ?? throw new InvalidOperationException("Not started.");
        if (!batch)
        {
            for (var i = 0; i < count; i++)
            {
                await runner.DispatchJobAsync(JobRunnersHost.JobType, Payload);
            }

            return;
        }

        for (var start = 0; start < count; start += batchSize)
        {
            var size = Math.Min(batchSize, count - start);
            var items = new JobDispatch[size];
            Array.Fill(items, new JobDispatch(JobRunnersHost.JobType, Payload));
            var results = await runner.DispatchJobsAsync(items);
            if (results.FirstOrDefault(r => !r.Succeeded) is { } failed)
            {
                throw new InvalidOperationException($"Batch dispatch failed: {failed.Error?.Message}");
            }
        }
    }

    public Task WaitUntilStoredAsync(int count, CancellationToken cancellationToken) =>
        StorePolling.WaitUntilAsync(
            _admin,
            $"SELECT count(*) FROM {JobRunnersHost.Schema}.job_request WHERE status = 'succeeded'",
            stored => stored >= count,
            cancellationToken);

    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
            _host = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
