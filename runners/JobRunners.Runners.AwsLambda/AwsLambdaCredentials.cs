using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// Finds the credentials requests are signed with: credentials set in code, then keys from settings, then the
/// standard AWS chain (environment, profile files, SSO, web identity, container and instance roles). A failure is
/// reported as a problem to fix, not thrown.
/// </summary>
internal static class AwsLambdaCredentials
{
    private const string HowToFix = "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or JobRunners:AwsLambda:AccessKeyId and SecretAccessKey), name a profile with AWS_PROFILE, or run with an IAM role allowed lambda:InvokeFunction. Local stand-ins such as serverless-offline accept any keys, e.g. test/test.";

    /// <summary>The credentials, or the reason none were found.</summary>
    public static (AWSCredentials? Credentials, string? Problem) Resolve(AwsLambdaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
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

        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials(null) is { } found
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
