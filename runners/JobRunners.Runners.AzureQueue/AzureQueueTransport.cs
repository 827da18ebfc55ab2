using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.AzureQueue;

/// <summary>
/// The runner's transport (see <c>AzureQueueTransport.Send.cs</c>) and the queue clients it shares with the worker:
/// sends (creating the queue when allowed), parking to the poison queue, and error descriptions that tell the user
/// what to fix. Clients are built on first use, after
/// the configuration check has passed: from the application's own <see cref="QueueServiceClient"/> when it
/// registered one, else from the connection string.
/// </summary>
internal sealed partial class AzureQueueTransport
{
    /// <summary>The largest message Azure accepts, measured after Base64 encoding.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>The longest visibility timeout Azure accepts.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    /// <summary>The time-to-live Azure reads as "never expires".</summary>
    public static readonly TimeSpan NeverExpire = TimeSpan.FromSeconds(-1);

    private readonly Lazy<QueueClient> _queue;
    private readonly Lazy<QueueClient> _poison;
    private readonly ILogger<AzureQueueTransport> _logger;
    private readonly QueueServiceClient? _appClient;
    private readonly TimeProvider _time;

    /// <param name="options">The runner's settings.</param>
    /// <param name="logger">The log.</param>
    /// <param name="appClient">
    /// The application's client from dependency injection, if any. Its queue clients share its options (encoding,
    /// retries, timeouts, decoding-failure handler): the runner's own cannot be attached.
    /// </param>
    /// <param name="time">The clock delays are measured on (the system clock when null).</param>
    public AzureQueueTransport(IOptions<AzureQueueOptions> options, ILogger<AzureQueueTransport> logger, QueueServiceClient? appClient = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        _logger = logger;
        _appClient = appClient;
        _time = time ?? TimeProvider.System;

        // Base64 on the main queue: any text survives the XML transport, and Azure Functions' queue trigger reads it.
        _queue = new(() => CreateClient(QueueName, QueueMessageEncoding.Base64, handleUndecodable: true));

        // The poison queue gets each message's raw text unchanged, so a tool can move it back as it was.
        _poison = new(() => CreateClient(PoisonQueueName, QueueMessageEncoding.None, handleUndecodable: false));
    }

    public AzureQueueOptions Options { get; }

    /// <summary>True when the application supplied the service client, so no connection string is needed.</summary>
    public bool UsesAppClient => _appClient is not null;

    public string QueueName => Options.QueueName!;

    public string PoisonQueueName => Options.EffectivePoisonQueueName;

    /// <summary>The main queue's client (Base64 messages).</summary>
    public QueueClient Queue => _queue.Value;

    /// <summary>Every missing or unusable setting, and an application client that would not write Base64.</summary>
    public IReadOnlyList<MissingSetting> Check()
    {
        var missing = AzureQueueSettings.Check(Options, clientSupplied: _appClient is not null).ToList();
        if (_appClient is not null && !string.IsNullOrWhiteSpace(Options.QueueName) && AppEncodingProblem() is { } problem)
        {
            missing.Add(new MissingSetting(AppClientSetting, problem));
        }

        return missing;
    }

    /// <summary>The size a message body takes on the wire after Base64 encoding.</summary>
    public static long EncodedSize(string body) => 4L * ((Encoding.UTF8.GetByteCount(body) + 2L) / 3L);

    /// <summary>A delay as Azure can hold it: whole seconds rounded up (never early), at most 7 days.</summary>
    public static TimeSpan ToVisibility(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        return delay >= MaxVisibility ? MaxVisibility : TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds));
    }

    /// <summary>Sends a message body, creating the queue first if it is missing and that is allowed.</summary>
    public async Task SendAsync(string body, TimeSpan? visibility, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        try
        {
            await Queue.SendMessageAsync(body, visibility, timeToLive, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (IsQueueNotFound(ex) && Options.CreateQueueIfNotExists)
        {
            await CreateQueueAsync(cancellationToken).ConfigureAwait(false);
            await Queue.SendMessageAsync(body, visibility, timeToLive, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the main queue if it does not exist.</summary>
    public async Task CreateQueueAsync(CancellationToken cancellationToken)
    {
        if (await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false) is not null)
        {
            AzureQueueLog.QueueCreated(_logger, QueueName);
        }
    }

    /// <summary>Copies a message's raw text to the poison queue (created if missing), then deletes it from the main queue.</summary>
    public async Task ParkAsync(string rawText, string messageId, string popReceipt, string reason, CancellationToken cancellationToken)
    {
        var poison = _poison.Value;

        // The application's poison-queue client encodes as Base64 (checked): give it the bytes, so what is stored
        // is the raw text again, as with the runner's own unencoding client.
        var body = _appClient is null ? BinaryData.FromString(rawText) : BinaryData.FromBytes(Convert.FromBase64String(rawText));
        try
        {
            await poison.SendMessageAsync(body, null, NeverExpire, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (IsQueueNotFound(ex))
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await poison.SendMessageAsync(body, null, NeverExpire, cancellationToken).ConfigureAwait(false);
        }

        await Queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken).ConfigureAwait(false);
        AzureQueueLog.MessageMovedToPoisonQueue(_logger, messageId, QueueName, PoisonQueueName, reason);
    }

    /// <summary>True for the answer to an operation on a queue that does not exist.</summary>
    public static bool IsQueueNotFound(Exception exception) =>
        AsRequestFailure(exception) is { Status: 404, ErrorCode: "QueueNotFound" };

    /// <summary>True for a message that is gone or was received again by someone else (its pop receipt is stale).</summary>
    public static bool IsMessageGone(Exception exception) =>
        AsRequestFailure(exception) is { Status: 404, ErrorCode: "MessageNotFound" } or { Status: 400, ErrorCode: "PopReceiptMismatch" };

    /// <summary>True for errors that retrying cannot fix: access denied, or the queue missing without auto-create.</summary>
    public bool IsFatal(Exception exception) =>
        AsRequestFailure(exception) is { Status: 403 } || (IsQueueNotFound(exception) && !Options.CreateQueueIfNotExists);

    /// <summary>What went wrong, in words that say what to fix.</summary>
    public static string Describe(Exception exception, string queue)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var failure = AsRequestFailure(exception);
        return failure switch
        {
            { Status: 404, ErrorCode: "QueueNotFound" } => $"The Azure queue '{queue}' does not exist (404 QueueNotFound): create it, or set {AzureQueueOptions.SectionName}:CreateQueueIfNotExists=true.",
            { Status: 403 } => $"Access to the Azure queue '{queue}' was denied (403 {failure.ErrorCode}): check the account key or SAS in the connection string; a SAS needs the add, update and process permissions (and create, for CreateQueueIfNotExists).",
            { Status: 0 } => $"The Azure queue service for '{queue}' could not be reached ({FirstLine(failure.Message)}); check the connection string's endpoint and that the service is up.",
            not null => $"The Azure queue '{queue}' answered {failure.Status} {failure.ErrorCode}: {FirstLine(failure.Message)}",
            _ => $"Sending to the Azure queue '{queue}' failed: {FirstLine(exception.Message)}",
        };
    }

    private static RequestFailedException? AsRequestFailure(Exception exception) => exception switch
    {
        RequestFailedException failure => failure,
        AggregateException aggregate => aggregate.InnerExceptions.OfType<RequestFailedException>().LastOrDefault(),
        { InnerException: { } inner } => AsRequestFailure(inner),
        _ => null,
    };

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>The name a problem with the application's client is reported under.</summary>
    private const string AppClientSetting = "QueueServiceClient (registered by the application)";

    private string? AppEncodingProblem()
    {
        var encoding = QueueClientEncoding.Of(_appClient!.GetQueueClient(QueueName));
        return encoding is null or QueueMessageEncoding.Base64
            ? null
            : $"its queue clients use MessageEncoding {encoding}, but the runner's messages are Base64 (as its other processes and Azure Functions read them): build it with new QueueClientOptions {{ MessageEncoding = QueueMessageEncoding.Base64 }}, or with AddQueueServiceClient(...).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64).";
    }

    private QueueClient CreateClient(string name, QueueMessageEncoding encoding, bool handleUndecodable)
    {
        if (_appClient is not null)
        {
            // The encoding and the decoding-failure handler come from the application's options, not from here.
            if (AppEncodingProblem() is { } problem)
            {
                throw new JobRunnerException($"The azure-queue runner cannot use the application's {AppClientSetting}: {problem}");
            }

            return _appClient.GetQueueClient(name);
        }

        var options = new QueueClientOptions(Options.ServiceVersion) { MessageEncoding = encoding };

        // The worker has its own backoff and the outbox re-sends jobs: fail within about a second, not a minute.
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.MaxRetries = 2;

        // The SDK allows 100 s per try by default: an unreachable host would hold a dispatch for minutes.
        options.Retry.NetworkTimeout = Options.RequestTimeout;
        if (handleUndecodable)
        {
            options.MessageDecodingFailed += OnMessageDecodingFailedAsync;
        }

        return new QueueClient(Options.ConnectionString, name, options);
    }

    /// <summary>A message another producer wrote without Base64 can never be read here: park it as received.</summary>
    private async Task OnMessageDecodingFailedAsync(QueueMessageDecodingFailedEventArgs args)
    {
        if (args.ReceivedMessage is not { } message || args.IsRunningSynchronously)
        {
            return;
        }

        try
        {
            await ParkAsync(message.Body.ToString(), message.MessageId, message.PopReceipt, "the message is not Base64-encoded, as this runner writes them", args.CancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The message stays on the queue and is parked again at its next delivery.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AzureQueueLog.UndecodableMessageNotMoved(_logger, ex, message.MessageId, QueueName, PoisonQueueName);
        }
    }
}
