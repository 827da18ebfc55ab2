using System.Net;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>A local HTTP endpoint that records requests exactly as they arrive and answers like the Invoke API (202).</summary>
internal sealed class CaptureEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<SigV4Verifier.Captured> _requests = [];
    private readonly Task _serving;

    public CaptureEndpoint()
    {
        Port = LocalLambda.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }

    public IReadOnlyList<SigV4Verifier.Captured> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!.ToLowerInvariant(), k => context.Request.Headers[k]!, StringComparer.Ordinal);
            lock (_requests)
            {
                _requests.Add(new SigV4Verifier.Captured(context.Request.HttpMethod, context.Request.RawUrl!, headers, body.ToArray()));
            }

            context.Response.StatusCode = 202;
            context.Response.Close();
        }
    }
}
