using JobRunners.Runners.Aws;
using Microsoft.Extensions.Configuration;

namespace JobRunners.Runners.AwsSqs;

/// <summary>The runner's setting names, their flat names, and the checks on their values.</summary>
internal static class AwsSqsSettings
{
    public const string QueueUrl = AwsSqsOptions.SectionName + ":QueueUrl";
    public const string Region = AwsSqsOptions.SectionName + ":Region";
    public const string ServiceUrl = AwsSqsOptions.SectionName + ":ServiceUrl";
    public const string DeadLetterQueueUrl = AwsSqsOptions.SectionName + ":DeadLetterQueueUrl";
    public const string Profile = AwsSqsOptions.SectionName + ":Profile";
    public const string AccessKeyId = AwsSqsOptions.SectionName + ":AccessKeyId";
    public const string SecretAccessKey = AwsSqsOptions.SectionName + ":SecretAccessKey";
    public const string SessionToken = AwsSqsOptions.SectionName + ":SessionToken";
    public const string ReceiveWaitTime = AwsSqsOptions.SectionName + ":ReceiveWaitTime";
    public const string RequestTimeout = AwsSqsOptions.SectionName + ":RequestTimeout";
    public const string Worker = AwsSqsOptions.SectionName + ":Worker";

    /// <summary>The name a missing-credentials report goes under: no single setting supplies them.</summary>
    public const string Credentials = "AWS credentials";

    /// <summary>SQS holds a received message invisible for at most 12 hours.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromHours(12);

    /// <summary>SQS long polling waits at most 20 seconds.</summary>
    public static readonly TimeSpan MaxReceiveWait = TimeSpan.FromSeconds(20);

    /// <summary>The longest per-try timeout accepted: past it an SQS outage holds callers for many minutes.</summary>
    public static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Reads each setting by its hierarchical key or its flat names (environment variables such as
    /// <c>AWS_REGION</c>), whichever the later configuration source sets.
    /// </summary>
    public static void ApplyFlatNames(IConfiguration configuration, AwsSqsOptions options)
    {
        options.QueueUrl = FlatNames.Read(configuration, QueueUrl, "JOBRUNNERS_SQS_QUEUE_URL") ?? Blank(options.QueueUrl);
        options.Region = FlatNames.Read(configuration, Region, "AWS_REGION", "AWS_DEFAULT_REGION") ?? Blank(options.Region);
        options.ServiceUrl = FlatNames.Read(configuration, ServiceUrl, "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL") ?? Blank(options.ServiceUrl);
        options.DeadLetterQueueUrl = FlatNames.Read(configuration, DeadLetterQueueUrl, "JOBRUNNERS_SQS_DEAD_LETTER_QUEUE_URL") ?? Blank(options.DeadLetterQueueUrl);
        options.Profile = FlatNames.Read(configuration, Profile, "AWS_PROFILE") ?? Blank(options.Profile);
        options.AccessKeyId = FlatNames.Read(configuration, AccessKeyId, "AWS_ACCESS_KEY_ID") ?? Blank(options.AccessKeyId);
        options.SecretAccessKey = FlatNames.Read(configuration, SecretAccessKey, "AWS_SECRET_ACCESS_KEY") ?? Blank(options.SecretAccessKey);
        options.SessionToken = FlatNames.Read(configuration, SessionToken, "AWS_SESSION_TOKEN") ?? Blank(options.SessionToken);
    }

    /// <summary>
    /// Every missing or unusable setting except credentials, which need resolving. With
    /// <paramref name="clientSupplied"/> (the application registered its own <c>IAmazonSQS</c>) no region is needed.
    /// </summary>
    public static List<MissingSetting> Check(AwsSqsOptions options, bool clientSupplied = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        var missing = new List<MissingSetting>();
        if (string.IsNullOrWhiteSpace(options.QueueUrl))
        {
            missing.Add(new MissingSetting(QueueUrl, "the SQS queue's URL, e.g. https://sqs.eu-west-1.amazonaws.com/123456789012/jobs (environment: JOBRUNNERS_SQS_QUEUE_URL)."));
        }
        else if (!IsHttpUrl(options.QueueUrl))
        {
            missing.Add(new MissingSetting(QueueUrl, $"'{options.QueueUrl}' is not an absolute http(s) URL; use the URL GetQueueUrl or the console shows."));
        }

        if (!clientSupplied && string.IsNullOrWhiteSpace(options.Region))
        {
            missing.Add(new MissingSetting(Region, "the AWS region of the queue, e.g. eu-west-1 (environment: AWS_REGION or AWS_DEFAULT_REGION)."));
        }

        if (options.ServiceUrl is { Length: > 0 } service && !IsHttpUrl(service))
        {
            missing.Add(new MissingSetting(ServiceUrl, $"'{service}' is not an absolute http(s) URL (environment: AWS_ENDPOINT_URL_SQS)."));
        }

        if (options.DeadLetterQueueUrl is { Length: > 0 } dlq && !IsHttpUrl(dlq))
        {
            missing.Add(new MissingSetting(DeadLetterQueueUrl, $"'{dlq}' is not an absolute http(s) URL."));
        }

        if (options.ReceiveWaitTime < TimeSpan.Zero || options.ReceiveWaitTime > MaxReceiveWait)
        {
            missing.Add(new MissingSetting(ReceiveWaitTime, $"must be between 0 and 20 seconds, SQS's longest poll (got {options.ReceiveWaitTime})."));
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > MaxRequestTimeout)
        {
            missing.Add(new MissingSetting(RequestTimeout, $"must be more than 0 and at most 5 minutes (got {options.RequestTimeout})."));
        }

        var worker = options.Worker ?? new QueueWorkerOptions();
        missing.AddRange(worker.Validate(Worker).Select(problem => new MissingSetting(Worker, problem)));
        if (worker.VisibilityTimeout > MaxVisibility)
        {
            missing.Add(new MissingSetting(Worker, $"{Worker}:VisibilityTimeout must be at most 12 hours, SQS's limit (got {worker.VisibilityTimeout})."));
        }

        return missing;
    }

    /// <summary>
    /// What the runner's SQS clients are built from: its endpoint, region and credential settings, each try
    /// bounded by <paramref name="timeout"/> and tried at most 3 times.
    /// </summary>
    public static AwsClientSettings Client(AwsSqsOptions options, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new AwsClientSettings(AwsSqsOptions.SectionName)
        {
            Region = options.Region,
            ServiceUrl = options.ServiceUrl,
            Profile = options.Profile,
            AccessKeyId = options.AccessKeyId,
            SecretAccessKey = options.SecretAccessKey,
            SessionToken = options.SessionToken,
            Credentials = options.Credentials,
            RequestTimeout = timeout,
            MaxErrorRetry = 2,
        };
    }

    /// <summary>Whole seconds for an SQS duration parameter, rounded up so a wait is never cut short.</summary>
    public static int Seconds(TimeSpan duration, TimeSpan max) =>
        (int)Math.Ceiling(Math.Clamp(duration.TotalSeconds, 0, max.TotalSeconds));

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
