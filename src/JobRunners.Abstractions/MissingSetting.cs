namespace JobRunners;

/// <summary>A setting a runner needs but did not get.</summary>
/// <param name="Name">The setting's name as a user sets it, e.g. <c>JobRunners:AwsSqs:QueueUrl</c> (env <c>JOBS_SQS_QUEUE_URL</c>).</param>
/// <param name="Reason">What is wrong and how to fix it.</param>
public sealed record MissingSetting(string Name, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Reason})";
}
