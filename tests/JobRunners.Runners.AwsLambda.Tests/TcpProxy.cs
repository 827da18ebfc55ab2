using System.Net;
using System.Net.Sockets;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>A plain TCP pipe from a local port to a real service: brings an "unreachable" endpoint up mid-test.</summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private TcpProxy(int port, string targetHost, int targetPort)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _accepting = AcceptAsync(targetHost, targetPort, _stop.Token);
    }

    public static TcpProxy Start(int port, string targetHost, int targetPort) => new(port, targetHost, targetPort);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(string targetHost, int targetPort, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => PipeAsync(client, targetHost, targetPort, stop), CancellationToken.None);
        }
    }

    private static async Task PipeAsync(TcpClient client, string targetHost, int targetPort, CancellationToken stop)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(targetHost, targetPort, stop);
                var down = client.GetStream();
                var up = upstream.GetStream();
                var a = down.CopyToAsync(up, stop);
                var b = up.CopyToAsync(down, stop);
                await Task.WhenAny(a, b);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Either side closed.
            }
        }
    }
}
