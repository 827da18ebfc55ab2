using Amazon;
using Amazon.Runtime;
using Amazon.SQS;

namespace JobRunners.Runners.Aws;

/// <summary>Builds the SQS clients of the AWS runners: endpoint, signing region, per-try timeout and retries.</summary>
internal static class SqsClientFactory
{
    /// <summary>
    /// The client configuration: the endpoint override signed for the region when one is set, else the region's
    /// public endpoint; each try bounded by <see cref="AwsClientSettings.RequestTimeout"/>.
    /// </summary>
    public static AmazonSQSConfig CreateConfig(AwsClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = new AmazonSQSConfig();
        if (settings.ServiceUrl is { Length: > 0 } serviceUrl)
        {
            config.ServiceURL = serviceUrl;
            if (settings.Region is { Length: > 0 } signingRegion)
            {
                config.AuthenticationRegion = signingRegion;
            }
        }
        else if (settings.Region is { Length: > 0 } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        // Each try is bounded; the default (100 s) would hold callers for minutes while SQS does not answer. Few
        // retries: callers have their own fallback (the outbox, the worker's back-off, the visibility timeout), so
        // the SDK's default of several would only stall them.
        config.Timeout = settings.RequestTimeout;
        config.MaxErrorRetry = settings.MaxErrorRetry;
        return config;
    }

    /// <summary>A client signing with <paramref name="credentials"/>.</summary>
    public static AmazonSQSClient Create(AwsClientSettings settings, AWSCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return new AmazonSQSClient(credentials, CreateConfig(settings));
    }
}
