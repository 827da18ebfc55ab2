namespace JobRunners.Extensibility;

/// <summary>Conversions between <see cref="JobStatus"/> and its stored text.</summary>
public static class JobStatusExtensions
{
    /// <summary>The stored form: <c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c>, <c>cancelled</c>.</summary>
    public static string ToStoredValue(this JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Running => "running",
        JobStatus.Succeeded => "succeeded",
        JobStatus.Failed => "failed",
        JobStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job status."),
    };

    /// <summary>Parses a stored status (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The text is not a status.</exception>
    public static JobStatus ParseStatus(string value) => value?.ToUpperInvariant() switch
    {
        "QUEUED" => JobStatus.Queued,
        "RUNNING" => JobStatus.Running,
        "SUCCEEDED" => JobStatus.Succeeded,
        "FAILED" => JobStatus.Failed,
        "CANCELLED" => JobStatus.Cancelled,
        _ => throw new ArgumentException($"'{value}' is not a job status; use queued, running, succeeded, failed or cancelled.", nameof(value)),
    };

    /// <summary>True for succeeded, failed and cancelled: the row will not change again.</summary>
    public static bool IsFinal(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;
}
