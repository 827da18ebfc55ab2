using System.Collections;
using System.Globalization;

namespace JobRunners.Execution;

/// <summary>
/// The logging scope of one attempt: every line logged while it runs (the handler's own included) carries the job's
/// id, type, attempt, queue and runner as structured fields. Reads the row it was made from, so beginning the scope
/// costs one small object; values are boxed only when a provider reads them.
/// </summary>
internal sealed class AttemptLogScope(JobRequest job) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 5;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("JobId", job.Id),
        1 => new("JobType", job.JobType),
        2 => new("Attempt", job.Attempts),
        3 => new("Queue", job.QueueName),
        4 => new("Runner", job.Runner),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What a text logger prints for the scope (the console's IncludeScopes).</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"Job {job.Id} ({job.JobType}) attempt {job.Attempts} on queue {job.QueueName}{(job.Runner is null ? "" : " via " + job.Runner)}");
}
