using Amazon.Runtime;
using Amazon.SQS.Model;

namespace JobRunners.Runners.AwsSqs;

/// <summary>Sorts SQS errors into those retrying can fix and those it cannot, and says what to do about the latter.</summary>
internal static class SqsErrors
{
    private static readonly HashSet<string> MissingQueueCodes = new(StringComparer.Ordinal)
    {
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
    };

    private static readonly HashSet<string> AccessCodes = new(StringComparer.Ordinal)
    {
        "AccessDenied",
        "AccessDeniedException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "MissingAuthenticationToken",
        "InvalidSecurity",
    };

    /// <summary>True when the queue does not exist.</summary>
    public static bool IsMissingQueue(Exception error) =>
        error is QueueDoesNotExistException || (error is AmazonServiceException { ErrorCode: { } code } && MissingQueueCodes.Contains(code));

    /// <summary>True when SQS refused the caller (access denied, unknown key, bad signature).</summary>
    public static bool IsAccessDenied(Exception error) =>
        error is AmazonServiceException { ErrorCode: { } code } && AccessCodes.Contains(code);

    /// <summary>True for errors retrying cannot fix, also when wrapped in a <see cref="JobRunnerException"/>.</summary>
    public static bool IsFatal(Exception error) =>
        IsMissingQueue(error) || IsAccessDenied(error) || (error is JobRunnerException { InnerException: { } inner } && IsFatal(inner));

    /// <summary>A fatal error as an exception whose message tells the operator what to fix; other errors unchanged.</summary>
    public static Exception Explain(Exception error, string queueUrl)
    {
        if (IsMissingQueue(error))
        {
            return new JobRunnerException($"The SQS queue {queueUrl} does not exist (was it deleted?). Create it, or correct JobRunners:AwsSqs:QueueUrl (JOBRUNNERS_SQS_QUEUE_URL), then restart the worker.", error);
        }

        if (IsAccessDenied(error))
        {
            var code = ((AmazonServiceException)error).ErrorCode;
            return new JobRunnerException($"SQS refused access to {queueUrl} ({code}: {error.Message}). Check the credentials and that their IAM policy allows sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility, sqs:SendMessage and sqs:GetQueueAttributes on the queue, then restart the worker.", error);
        }

        return error;
    }
}
