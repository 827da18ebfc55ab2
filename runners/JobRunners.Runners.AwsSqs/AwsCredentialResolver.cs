using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace JobRunners.Runners.AwsSqs;

/// <summary>
/// Finds the credentials the SQS client signs with: credentials set in code, then keys from settings, then a
/// named profile, then the standard AWS chain (environment, profile files, web identity, container and instance
/// roles). A failure is reported as a problem to fix, not thrown.
/// </summary>
internal static class AwsCredentialResolver
{
    private const string HowToFix = "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or JobRunners:AwsSqs:AccessKeyId and SecretAccessKey), name a profile with AWS_PROFILE (JobRunners:AwsSqs:Profile), or run with an IAM role. Local stand-ins such as fauxqs accept any keys, e.g. test/test.";

    /// <summary>The credentials, or the reason none were found.</summary>
    public static (AWSCredentials? Credentials, string? Problem) Resolve(AwsSqsOptions options, IClientConfig config) =>
        Resolve(options, () => DefaultAWSCredentialsIdentityResolver.GetCredentials(config));

    /// <summary>As <see cref="Resolve(AwsSqsOptions, IClientConfig)"/>, with the standard chain supplied (a seam for tests).</summary>
    public static (AWSCredentials? Credentials, string? Problem) Resolve(AwsSqsOptions options, Func<AWSCredentials?> standardChain)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(standardChain);
        if (options.Credentials is { } fromCode)
        {
            return (fromCode, null);
        }

        if (options.AccessKeyId is not null || options.SecretAccessKey is not null)
        {
            if (options.AccessKeyId is null || options.SecretAccessKey is null)
            {
                return (null, $"{(options.AccessKeyId is null ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY")} is missing: access keys need both the key id and the secret. {HowToFix}");
            }

            return options.SessionToken is { } token
                ? (new SessionAWSCredentials(options.AccessKeyId, options.SecretAccessKey, token), null)
                : (new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey), null);
        }

        if (options.Profile is { } profile)
        {
            return new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var fromProfile)
                ? (fromProfile, null)
                : (null, $"the profile '{profile}' was not found in the AWS credentials or config file. {HowToFix}");
        }

        try
        {
            return standardChain() is { } found
                ? (found, null)
                : (null, "the standard AWS credential chain found none. " + HowToFix);
        }
        catch (AmazonClientException ex)
        {
            return (null, $"the standard AWS credential chain found none ({FirstLine(ex.Message)}). {HowToFix}");
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).TrimEnd('.', ':', ' ');
    }
}
