namespace JobRunners.Benchmarks.Monitoring;

/// <summary>The dashboard's pages S7 fetches over HTTP (none until the dashboard package is part of the bench).</summary>
internal sealed class DashboardProbes : IAsyncDisposable
{
    private DashboardProbes(IReadOnlyList<Probe> probes) => Probes = probes;

    public IReadOnlyList<Probe> Probes { get; }

    public static Task<DashboardProbes> StartAsync(IServiceProvider services, int rows)
    {
        _ = services;
        _ = rows;
        return Task.FromResult(new DashboardProbes([]));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
