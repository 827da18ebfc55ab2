using System.Net;
using System.Net.Sockets;

namespace JobRunners.Conformance;

/// <summary>
/// A local TCP port that accepts connections and never answers: a service that hangs (overloaded, half-dead,
/// behind a black-holing network) rather than one that refuses. Requests to it end only by the client's own
/// timeout, so a test can prove those timeouts are bounded.
/// </summary>
public sealed class UnresponsiveEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _accepted;

    /// <summary>Starts listening on a free loopback port.</summary>
    public UnresponsiveEndpoint()
    {
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>The port to point a client at.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The endpoint as an http URL, such as <c>http://127.0.0.1:54321</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>How many connections were accepted (and left unanswered).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped while accepting.
        }

        lock (_held)
        {
            foreach (var client in _held)
            {
                client.Dispose();
            }

            _held.Clear();
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(stop).ConfigureAwait(false);
            Interlocked.Increment(ref _accepted);

            // Kept open and never read: the request sits unanswered until the client gives up.
            lock (_held)
            {
                _held.Add(client);
            }
        }
    }
}
