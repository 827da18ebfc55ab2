using Amazon.Runtime;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// Settings of the AWS Lambda runner, bound from <c>JobRunners:AwsLambda</c>. <c>WORKER_LAMBDA_FUNCTION_NAME</c> is
/// the flat name of <c>FunctionName</c> (the later configuration source of the two wins). The environment's own
/// names fill in only what is still unset: <c>AWS_LAMBDA_FUNCTION_NAME</c>,
/// <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, <c>AWS_ENDPOINT_URL_LAMBDA</c>, <c>AWS_ENDPOINT_URL</c>,
/// <c>AWS_PROFILE</c>, <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>.
/// Credentials are found as the aws-sqs runner finds them: <see cref="Credentials"/>, then keys, then
/// <see cref="Profile"/>, then the standard AWS credential chain.
/// </summary>
public sealed class AwsLambdaOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "JobRunners:AwsLambda";

    /// <summary>The async invocation payload limit AWS applies since 2025 (it was 256 KB before): 1 MiB.</summary>
    public const int DefaultMaxPayloadBytes = 1024 * 1024;

    /// <summary>
    /// The worker function to invoke: a name, a partial ARN or a full ARN. Default: <c>WORKER_LAMBDA_FUNCTION_NAME</c>
    /// or the section (whichever the later configuration source sets), else <c>AWS_LAMBDA_FUNCTION_NAME</c> (inside
    /// the worker function: the function itself).
    /// </summary>
    public string? FunctionName { get; set; }

    /// <summary>A version or alias to invoke (optional; default the unqualified function, that is <c>$LATEST</c>).</summary>
    public string? Qualifier { get; set; }

    /// <summary>The function's AWS region; default <c>AWS_REGION</c>, then <c>AWS_DEFAULT_REGION</c>.</summary>
    public string? Region { get; set; }

    /// <summary>
    /// An endpoint override for local stand-ins such as serverless-offline (<c>http://127.0.0.1:3002</c>); default
    /// <c>AWS_ENDPOINT_URL_LAMBDA</c>, then <c>AWS_ENDPOINT_URL</c>, else the region's public endpoint.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// A named profile from the AWS credentials or config file (default <c>AWS_PROFILE</c>), used when no keys are
    /// set. A profile set in the section also keeps <c>AWS_ACCESS_KEY_ID</c> and the other key names from filling in
    /// keys (inside a Lambda function they always hold the function's own role).
    /// </summary>
    public string? Profile { get; set; }

    /// <summary>
    /// An access key id (default <c>AWS_ACCESS_KEY_ID</c>); without keys or a <see cref="Profile"/> the standard AWS
    /// credential chain is used.
    /// </summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key (default <c>AWS_SECRET_ACCESS_KEY</c>).</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>The session token of temporary keys (default <c>AWS_SESSION_TOKEN</c>).</summary>
    public string? SessionToken { get; set; }

    /// <summary>Credentials set in code; they win over keys, the profile and the standard chain.</summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// The largest envelope one asynchronous invocation may carry, in bytes (default 1 MiB, AWS's limit; set
    /// 262144 for accounts or tools still on the old 256 KB limit). Larger tasks fail at dispatch.
    /// </summary>
    public int MaxPayloadBytes { get; set; } = DefaultMaxPayloadBytes;

    /// <summary>Invocations a batch dispatch sends at once (default 16).</summary>
    public int MaxConcurrentInvokes { get; set; } = 16;

    /// <summary>
    /// How long one Invoke call may take before it counts as failed (default 30 s). On the function side it also
    /// bounds each try of the SQS calls that delay retried messages.
    /// </summary>
    public TimeSpan InvokeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Extra tries of an Invoke call that was throttled, hit a server error or a network error (default 2). On the
    /// function side, the SQS calls that delay retried messages are tried as often.
    /// </summary>
    public int InvokeRetries { get; set; } = 2;

    /// <summary>
    /// Function side: the longest an invocation waits in place for a job that is not due yet or whose queue is locked
    /// by a running job, before it hands the job to a fresh invocation of itself (default 5 s). Keep it well below
    /// the function's timeout.
    /// </summary>
    public TimeSpan MaxInlineWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Function side: SQS records of one event handled at once, for standard queues (default 10; FIFO queues go one by one).</summary>
    public int SqsConcurrency { get; set; } = 10;

    /// <summary>
    /// Function side: an SQS endpoint override for delaying retried messages (default <c>AWS_ENDPOINT_URL_SQS</c>,
    /// then <c>AWS_ENDPOINT_URL</c>, else the record's regional endpoint). Requests are signed for the region in
    /// the record's queue ARN.
    /// </summary>
    public string? SqsServiceUrl { get; set; }
}
