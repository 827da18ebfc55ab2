using Amazon.Runtime;

namespace JobRunners.Runners.Aws;

/// <summary>
/// What the AWS runners build their clients from: where the service is, who signs, and how long a call may take.
/// Each runner fills it from its own options, so both find credentials and build SQS clients the same way.
/// </summary>
/// <param name="Section">The runner's configuration section, named in what-to-fix messages.</param>
internal sealed record AwsClientSettings(string Section)
{
    /// <summary>The region: it picks the public endpoint and is what requests are signed for.</summary>
    public string? Region { get; init; }

    /// <summary>An endpoint override for a local stand-in; requests to it are still signed for <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; init; }

    /// <summary>A named profile from the AWS credentials or config file.</summary>
    public string? Profile { get; init; }

    /// <summary>An access key id, used together with <see cref="SecretAccessKey"/>.</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>The secret for <see cref="AccessKeyId"/>.</summary>
    public string? SecretAccessKey { get; init; }

    /// <summary>The session token of temporary keys.</summary>
    public string? SessionToken { get; init; }

    /// <summary>Credentials set in code; they win over every other source.</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>How long one try of a call may take before it is abandoned.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Tries after the first for a call that was throttled or hit a server or network error.</summary>
    public int MaxErrorRetry { get; init; } = 2;
}
