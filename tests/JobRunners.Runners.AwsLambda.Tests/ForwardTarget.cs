using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>
/// Added to each test host: once the host has started, events the local function forwards run in this host (same
/// registry, same store), as a deployed worker function runs them against the shared store.
/// Setting <c>Tests:ForwardTarget=off</c> leaves the listener to something else.
/// </summary>
/// <remarks>
/// Every test host gets a fresh store, and a fresh SQLite store numbers rows from 1; an event still travelling
/// from an earlier test (a duplicate, a late re-send) would then find and run a row of the current test. Real
/// stores never reuse ids, so each host starts its ids in a range of its own and such an event finds nothing.
/// </remarks>
internal sealed class ForwardTarget(IServiceProvider services, IConfiguration configuration) : IHostedLifecycleService
{
    private static int _hosts;
    private IAsyncDisposable? _attachment;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (configuration["JobRunners:Sqlite:Path"] is { Length: > 0 } path)
        {
            await StartIdsAtAsync(path, Interlocked.Increment(ref _hosts) * 1_000_000L, cancellationToken);
        }

        if (configuration["Tests:ForwardTarget"] != "off")
        {
            _attachment = ForwardListener.Attach((input, output, ct) => LambdaEventProcessor.ProcessAsync(services, input, output, ct));
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (_attachment is not null)
        {
            await _attachment.DisposeAsync();
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task StartIdsAtAsync(string path, long first, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM sqlite_sequence WHERE name = 'job_request';
            INSERT INTO sqlite_sequence (name, seq) SELECT 'job_request', max(@first, coalesce(max(id), 0)) FROM job_request;
            """;
        command.Parameters.AddWithValue("@first", first);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
