using System.Net;
using System.Text;
using NUnit.Framework;

namespace JobRunners.Runners.AwsLambda.Tests;

/// <summary>
/// The .NET side of the local function: the Node handler serverless-offline runs POSTs every event to the forward
/// URL, and this listener hands it to whatever function is attached (a test host's services through
/// <see cref="LambdaEventProcessor"/>, or a <see cref="JobRunnersLambdaFunction"/>), answering 200 with the result
/// or 500 with the error (which fails the invocation, as a throwing handler does on AWS). The port is fixed, so
/// one listener serves the whole test run and tests using it run one at a time.
/// </summary>
internal static class ForwardListener
{
    private static readonly Lock Gate = new();
    private static HttpListener? _listener;
    private static Func<Stream, Stream, CancellationToken, Task>? _target;
    private static int _inFlight;
    private static int _received;

    /// <summary>Events received since the process started.</summary>
    public static int Received => Volatile.Read(ref _received);

    /// <summary>Headers of the last forwarded request (the Node handler adds x-amz-function-name and x-amz-request-id).</summary>
    public static WebHeaderCollection? LastHeaders { get; private set; }

    public static void EnsureStarted()
    {
        lock (Gate)
        {
            if (_listener is not null)
            {
                return;
            }

            var url = LocalLambda.ForwardUrl;
            var listener = new HttpListener();
            listener.Prefixes.Add($"{url.Scheme}://{url.Host}:{url.Port}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException ex)
            {
                Assert.Fail($"Cannot listen on {url} for the local function's forwarded events: {ex.Message}. Is another test run using it?");
            }

            _listener = listener;
            _ = Task.Run(() => AcceptLoopAsync(listener));
        }
    }

    /// <summary>Makes <paramref name="target"/> the function that runs forwarded events; returns a handle that detaches it.</summary>
    public static IAsyncDisposable Attach(Func<Stream, Stream, CancellationToken, Task> target)
    {
        EnsureStarted();
        Volatile.Write(ref _target, target);
        return new Attachment(target);
    }

    public static void Stop()
    {
        lock (Gate)
        {
            _listener?.Close();
            _listener = null;
        }
    }

    private static async Task AcceptLoopAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private static async Task ServeAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _received);
        Interlocked.Increment(ref _inFlight);
        try
        {
            LastHeaders = (WebHeaderCollection)context.Request.Headers;
            var target = Volatile.Read(ref _target);
            using var output = new MemoryStream();
            int status;
            if (target is null)
            {
                status = 503;
                output.Write("no function attached (a stale invocation from an earlier test)"u8);
            }
            else
            {
                try
                {
                    await target(context.Request.InputStream, output, CancellationToken.None);
                    status = 200;
                }
                catch (Exception ex)
                {
                    status = 500;
                    output.SetLength(0);
                    output.Write(Encoding.UTF8.GetBytes($"{ex.GetType().FullName}: {ex.Message}"));
                }
            }

            context.Response.StatusCode = status;
            context.Response.ContentType = status == 200 ? "application/json" : "text/plain";
            output.Position = 0;
            await output.CopyToAsync(context.Response.OutputStream);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The forwarder went away; nothing to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private sealed class Attachment(Func<Stream, Stream, CancellationToken, Task> target) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Interlocked.CompareExchange(ref _target, null, target);

            // Let invocations already running for this function finish before its services go away.
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (Volatile.Read(ref _inFlight) > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }
}
