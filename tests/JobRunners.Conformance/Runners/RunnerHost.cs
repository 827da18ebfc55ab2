using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace JobRunners.Conformance;

/// <summary>A started host with JobRunners in it, as the conformance tests use it. Disposing stops the host.</summary>
public sealed class RunnerHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TimeSpan _timeout;
    private bool _stopped;

    internal RunnerHost(IHost host, TimeSpan timeout)
    {
        _host = host;
        _timeout = timeout;
    }

    /// <summary>The active runner.</summary>
    public IJobRunner Runner => _host.Services.GetRequiredService<IJobRunner>();

    /// <summary>The job store.</summary>
    public IJobStore Store => _host.Services.GetRequiredService<IJobStore>();

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Waits until the row is final and returns it; fails the test on timeout.</summary>
    public Task<JobRequest> WaitForFinalAsync(long id) => StoreWaits.UntilFinalAsync(Store, id, _timeout);

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test with <paramref name="what"/> on timeout.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, string what) => StoreWaits.UntilAsync(condition, () => what, _timeout);

    /// <summary>Stops the host (its workers included) but keeps its services, so the store can still be read.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(stop.Token).ConfigureAwait(false);
    }

    /// <summary>Stops the host.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }
}
