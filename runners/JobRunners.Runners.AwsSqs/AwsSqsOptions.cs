using Amazon.Runtime;

namespace JobRunners.Runners.AwsSqs;

/// <summary>
/// Settings of the Amazon SQS runner, bound from <c>JobRunners:AwsSqs</c>. Each setting also has flat
/// environment-style names (listed on each property) that win over the hierarchical one.
/// </summary>
public sealed class AwsSqsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "JobRunners:AwsSqs";

    /// <summary>
    /// The queue's URL, such as <c>https://sqs.eu-west-1.amazonaws.com/123456789012/jobs</c>; a URL ending in
    /// <c>.fifo</c> is a FIFO queue. Flat name <c>JOBRUNNERS_SQS_QUEUE_URL</c>. Required.
    /// </summary>
    public string? QueueUrl { get; set; }

    /// <summary>The AWS region, such as <c>eu-west-1</c>. Flat names <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>. Required.</summary>
    public string? Region { get; set; }

    /// <summary>
    /// An endpoint override for a local SQS stand-in, such as <c>http://127.0.0.1:4566</c>; unset for AWS.
    /// Flat names <c>AWS_ENDPOINT_URL_SQS</c>, <c>AWS_ENDPOINT_URL</c>.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// Where the worker moves messages that can never be handled when the queue has no <c>RedrivePolicy</c>
    /// (with one, SQS moves them itself). Flat name <c>JOBRUNNERS_SQS_DEAD_LETTER_QUEUE_URL</c>. Optional.
    /// </summary>
    public string? DeadLetterQueueUrl { get; set; }

    /// <summary>A named profile from the AWS credentials or config file. Flat name <c>AWS_PROFILE</c>. Optional.</summary>
    public string? Profile { get; set; }

    /// <summary>
    /// An access key id, with <see cref="SecretAccessKey"/>; for local stand-ins and tests (on AWS prefer a role).
    /// Flat name <c>AWS_ACCESS_KEY_ID</c>. Optional: without keys or a profile the standard AWS credential chain is used.
    /// </summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret for <see cref="AccessKeyId"/>. Flat name <c>AWS_SECRET_ACCESS_KEY</c>.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>A session token for temporary keys. Flat name <c>AWS_SESSION_TOKEN</c>. Optional.</summary>
    public string? SessionToken { get; set; }

    /// <summary>Credentials set in code; they win over every setting above.</summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// How long one receive waits for messages (SQS long polling, <c>WaitTimeSeconds</c>): 0 to 20 seconds,
    /// default 20 s. Shorter waits answer shutdown sooner but cost more requests.
    /// </summary>
    public TimeSpan ReceiveWaitTime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long one try of a call to SQS may take before it is abandoned (default 10 s); a receive may take
    /// <see cref="ReceiveWaitTime"/> longer. Each call is tried at most 3 times, so while SQS does not answer a
    /// dispatch fails within about 3 × this and its row is left to the outbox.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The worker's settings (concurrency, visibility timeout, heartbeat, backoff), section <c>JobRunners:AwsSqs:Worker</c>.</summary>
    public QueueWorkerOptions Worker { get; set; } = new();
}
