using NUnit.Framework;

namespace JobRunners.Conformance;

/// <summary>Waits on what a store shows: a row becoming final, written by this process or another.</summary>
public static class StoreWaits
{
    /// <summary>Waits until <paramref name="condition"/> holds; fails the test with <paramref name="what"/> on timeout.</summary>
    /// <param name="condition">Checked until it holds.</param>
    /// <param name="what">What is waited for, for the failure message; read only on timeout.</param>
    /// <param name="timeout">How long to wait.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(what);
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout} waiting for {what()}.");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the row is final and returns it; fails the test on timeout, saying <paramref name="context"/>.</summary>
    /// <param name="store">The store to read.</param>
    /// <param name="id">The row.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="context">More to say on timeout (e.g. a worker process's output).</param>
    public static async Task<JobRequest> UntilFinalAsync(IJobStore store, long id, TimeSpan timeout, Func<string>? context = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        JobRequest? row = null;
        await UntilAsync(
            async () => (row = await store.GetAsync(id).ConfigureAwait(false)) is { } r && r.Status.IsFinal(),
            () => $"job {id} to finish (it is {row?.Status.ToString() ?? "missing"}){(context is null ? "" : Environment.NewLine + context())}",
            timeout).ConfigureAwait(false);
        return row!;
    }
}
