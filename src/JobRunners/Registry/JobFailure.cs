namespace JobRunners;

/// <summary>A failed attempt, as per-type hooks see it.</summary>
/// <param name="Job">The row as claimed for this attempt.</param>
/// <param name="Exception">What the handler threw.</param>
/// <param name="RetryAt">When the retry policy would run it again; null when no attempts remain.</param>
public sealed record JobFailure(JobRequest Job, Exception Exception, DateTimeOffset? RetryAt);
