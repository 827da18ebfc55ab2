using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace JobRunners.Runners.Aws;

/// <summary>
/// Finds the credentials an AWS runner signs with: credentials set in code, then keys from settings, then a
/// named profile, then the standard AWS chain (environment, profile files, SSO, web identity, container and
/// instance roles). A failure is reported as a problem to fix, not thrown.
/// </summary>
internal static class AwsCredentialResolver
{
    /// <summary>The credentials, or the reason none were found.</summary>
    public static (AWSCredentials? Credentials, string? Problem) Resolve(AwsClientSettings settings) =>
        Resolve(settings, () => DefaultAWSCredentialsIdentityResolver.GetCredentials());

    /// <summary>As <see cref="Resolve(AwsClientSettings)"/>, with the standard chain supplied (a seam for tests).</summary>
    public static (AWSCredentials? Credentials, string? Problem) Resolve(AwsClientSettings settings, Func<AWSCredentials?> standardChain)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(standardChain);
        if (settings.Credentials is { } fromCode)
        {
            return (fromCode, null);
        }

        if (settings.AccessKeyId is not null || settings.SecretAccessKey is not null)
        {
            if (settings.AccessKeyId is null || settings.SecretAccessKey is null)
            {
                return (null, $"{(settings.AccessKeyId is null ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY")} is missing: access keys need both the key id and the secret. {HowToFix(settings)}");
            }

            return settings.SessionToken is { } token
                ? (new SessionAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey, token), null)
                : (new BasicAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey), null);
        }

        if (settings.Profile is { } profile)
        {
            return new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var fromProfile)
                ? (fromProfile, null)
                : (null, $"the profile '{profile}' was not found in the AWS credentials or config file. {HowToFix(settings)}");
        }

        try
        {
            return standardChain() is { } found
                ? (found, null)
                : (null, "the standard AWS credential chain found none. " + HowToFix(settings));
        }
        catch (AmazonClientException ex)
        {
            return (null, $"the standard AWS credential chain found none ({FirstLine(ex.Message)}). {HowToFix(settings)}");
        }
    }

    private static string HowToFix(AwsClientSettings settings) =>
        $"Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or {settings.Section}:AccessKeyId and SecretAccessKey), name a profile with AWS_PROFILE ({settings.Section}:Profile), or run with an IAM role. Local stand-ins such as fauxqs and serverless-offline accept any keys, e.g. test/test.";

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).TrimEnd('.', ':', ' ');
    }
}
