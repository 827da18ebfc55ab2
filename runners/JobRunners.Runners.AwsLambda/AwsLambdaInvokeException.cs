using System.Net;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// The Lambda Invoke API did not accept an invocation. The message carries the HTTP status, AWS's error type and
/// message, and what usually fixes it; the runner wraps it in a <see cref="JobDispatchException"/> naming the row.
/// </summary>
internal sealed class AwsLambdaInvokeException : JobRunnerException
{
    public AwsLambdaInvokeException(string functionName, HttpStatusCode? status, string? errorType, string? awsMessage, Exception? innerException = null)
        : base(BuildMessage(functionName, status, errorType, awsMessage), innerException)
    {
        Status = status;
        ErrorType = errorType;
        AwsMessage = awsMessage;
    }

    /// <summary>The HTTP status, or null when no answer came (network error, timeout).</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>AWS's error type, such as <c>ResourceNotFoundException</c>.</summary>
    public string? ErrorType { get; }

    /// <summary>AWS's error message.</summary>
    public string? AwsMessage { get; }

    /// <summary>True when trying again may succeed: throttling, server errors, no answer.</summary>
    public bool IsTransient => Status is null or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;

    private static string BuildMessage(string functionName, HttpStatusCode? status, string? errorType, string? awsMessage)
    {
        var answer = status is { } code ? $"HTTP {(int)code} ({code})" : "no answer";
        var detail = (errorType, awsMessage) switch
        {
            (null, null) => "",
            (null, _) => $": {awsMessage}",
            (_, null) => $": {errorType}",
            _ => $": {errorType}: {awsMessage}",
        };
        return $"Invoking Lambda function '{functionName}' failed with {answer}{detail}.{Hint(status, errorType)}";
    }

    private static string Hint(HttpStatusCode? status, string? errorType) => (status, errorType) switch
    {
        (_, "ResourceNotFoundException") or (HttpStatusCode.NotFound, _) =>
            " Check JobRunners:AwsLambda:FunctionName (WORKER_LAMBDA_FUNCTION_NAME), Qualifier and Region: the function (or alias) must exist there.",
        (_, "AccessDeniedException" or "UnrecognizedClientException" or "InvalidSignatureException") or (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, _) =>
            " The caller's credentials must be valid and allowed lambda:InvokeFunction on the worker function.",
        (_, "RequestTooLargeException") or (HttpStatusCode.RequestEntityTooLarge, _) =>
            " The payload is over AWS's limit for asynchronous invocations; lower JobRunners:AwsLambda:MaxPayloadBytes to match it so dispatch rejects such tasks up front.",
        (HttpStatusCode.TooManyRequests, _) =>
            " The function or account is throttled; raise its concurrency or the account quota.",
        _ => "",
    };
}
