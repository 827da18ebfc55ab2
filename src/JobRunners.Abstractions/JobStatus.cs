using System.Text.Json.Serialization;

namespace JobRunners;

/// <summary>
/// Where a tracked job is in its life. Stored lower-case in the <c>status</c> column; in JSON it is the member name
/// (<c>"Succeeded"</c>), read back whatever its case.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    /// <summary>Waiting to run (first attempt, a retry after backoff, or a delayed job).</summary>
    Queued,

    /// <summary>Claimed by a worker, which holds a lease on the row.</summary>
    Running,

    /// <summary>The handler finished without error.</summary>
    Succeeded,

    /// <summary>The handler failed on its last allowed attempt, or the job could not be run; see <see cref="JobRequest.LastError"/>.</summary>
    Failed,

    /// <summary>Cancelled before or while running.</summary>
    Cancelled,
}
