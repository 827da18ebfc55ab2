using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// Calls the Lambda Invoke API (<c>POST /2015-03-31/functions/{name}/invocations</c>) through an
/// <see cref="HttpClient"/> whose handler signs every request with SigV4, so no AWSSDK.Lambda package is needed.
/// Throttling, server errors and network errors are tried again a few times with a jittered backoff.
/// </summary>
internal sealed class LambdaInvoker : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly string _functionName;
    private readonly int _retries;
    private readonly TimeProvider _time;

    public LambdaInvoker(AwsLambdaOptions options, AWSCredentials credentials, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        _functionName = options.FunctionName!;
        _retries = options.InvokeRetries;
        _time = time;
        var region = options.Region!;

        // Redirects must not be followed below the signer: a followed redirect would go out unsigned.
        var transport = new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _http = new HttpClient(new SigV4SigningHandler(credentials, RegionEndpoint.GetBySystemName(region), "lambda", transport))
        {
            Timeout = options.InvokeTimeout,
        };

        var query = options.Qualifier is { Length: > 0 } qualifier ? "?Qualifier=" + Uri.EscapeDataString(qualifier) : "";
        InvokeUri = new Uri(AwsLambdaSettings.Endpoint(options.ServiceUrl, region, "lambda"), $"2015-03-31/functions/{Uri.EscapeDataString(_functionName)}/invocations{query}");
    }

    /// <summary>Where invocations are posted.</summary>
    public Uri InvokeUri { get; }

    /// <summary>Queues an asynchronous invocation (<c>X-Amz-Invocation-Type: Event</c>); returns once AWS answered 202.</summary>
    /// <exception cref="AwsLambdaInvokeException">AWS did not accept it.</exception>
    public async Task InvokeEventAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(payload, "Event", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a synchronous invocation (<c>RequestResponse</c>) and returns the function's answer and, when the
    /// function failed, the <c>X-Amz-Function-Error</c> value.
    /// </summary>
    public async Task<(string Body, string? FunctionError)> InvokeRequestResponseAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(payload, "RequestResponse", cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return (body, response.Headers.TryGetValues("X-Amz-Function-Error", out var values) ? values.FirstOrDefault() : null);
    }

    /// <summary>
    /// Reads the function's configuration (<c>GET /2015-03-31/functions/{name}/configuration</c>) once, without
    /// retries: for the backend health check. An endpoint that answers 404 without an AWS error type serves the Invoke
    /// API only (a local emulator): it is reachable, and that is all that can be checked there.
    /// </summary>
    public async Task<TransportHealth> CheckConfigurationAsync(CancellationToken cancellationToken)
    {
        var endpoint = InvokeUri.GetLeftPart(UriPartial.Authority);
        var uri = new Uri(InvokeUri.GetLeftPart(UriPartial.Path).Replace("/invocations", "/configuration", StringComparison.Ordinal) + InvokeUri.Query);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var state = StateOf(body);
                return state is "Failed" or "Inactive"
                    ? TransportHealth.Unreachable($"Lambda function '{_functionName}' is {state}: invocations fail until it is active again.")
                    : TransportHealth.Healthy($"Lambda function '{_functionName}' answered with its configuration{(state is null ? "" : $" (state {state})")}.");
            }

            if (response.StatusCode == HttpStatusCode.NotFound && !response.Headers.Contains("x-amzn-ErrorType"))
            {
                return TransportHealth.Healthy($"The Lambda endpoint {endpoint} answered but serves no function configuration (an Invoke-only endpoint): reachable; the function itself was not checked.");
            }

            var failure = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            return TransportHealth.Unreachable(failure.Message);
        }
        catch (HttpRequestException ex)
        {
            return TransportHealth.Unreachable($"Lambda function '{_functionName}': could not reach {endpoint} ({ex.Message}).");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TransportHealth.Unreachable($"Lambda function '{_functionName}': no answer from {endpoint} within {_http.Timeout.TotalSeconds:0.#} s (JobRunners:AwsLambda:InvokeTimeout).");
        }
    }

    public void Dispose() => _http.Dispose();

    private static string? StateOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? Text(document.RootElement, "State") : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(ReadOnlyMemory<byte> payload, string invocationType, CancellationToken cancellationToken)
    {
        var expected = invocationType == "Event" ? HttpStatusCode.Accepted : HttpStatusCode.OK;
        for (var attempt = 0; ; attempt++)
        {
            AwsLambdaInvokeException failure;
            using (var request = new HttpRequestMessage(HttpMethod.Post, InvokeUri))
            {
                request.Content = new ReadOnlyMemoryContent(payload);
                request.Content.Headers.ContentType = Json;
                request.Headers.Add("X-Amz-Invocation-Type", invocationType);
                try
                {
                    var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                    if (response.StatusCode == expected)
                    {
                        return response;
                    }

                    using (response)
                    {
                        failure = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (HttpRequestException ex)
                {
                    failure = new AwsLambdaInvokeException(_functionName, null, null, $"could not reach {InvokeUri.GetLeftPart(UriPartial.Authority)} ({ex.Message})", ex);
                }
                catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = new AwsLambdaInvokeException(_functionName, null, null, $"no answer within {_http.Timeout.TotalSeconds:0.#} s (JobRunners:AwsLambda:InvokeTimeout)", ex);
                }
            }

            if (!failure.IsTransient || attempt >= _retries)
            {
                throw failure;
            }

            // 100 ms, 400 ms, 1.6 s ... each spread by +-20% so concurrent senders do not retry in step.
            var delay = TimeSpan.FromMilliseconds(100 * Math.Pow(4, attempt) * (0.8 + (0.4 * Random.Shared.NextDouble())));
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AwsLambdaInvokeException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? type = null;
        string? message = null;
        if (response.Headers.TryGetValues("x-amzn-ErrorType", out var types))
        {
            // "ResourceNotFoundException:http://internal.amazon.com/coral/..." names the type before the colon.
            type = types.FirstOrDefault()?.Split(':')[0];
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                message = Text(document.RootElement, "Message") ?? Text(document.RootElement, "message") ?? Text(document.RootElement, "errorMessage");
                type ??= Text(document.RootElement, "__type")?.Split('#')[^1] ?? Text(document.RootElement, "errorType");
            }
        }
        catch (JsonException)
        {
            message = body.Length > 300 ? body[..300] + "..." : body;
        }

        return new AwsLambdaInvokeException(_functionName, response.StatusCode, string.IsNullOrWhiteSpace(type) ? null : type, string.IsNullOrWhiteSpace(message) ? null : message);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
