namespace JobRunners.Extensibility;

/// <summary>The row after <see cref="IJobStore.InsertAsync"/>.</summary>
/// <param name="Job">The new row, or the unfinished row that already held the unique key.</param>
/// <param name="Created">False when an existing row was returned instead of writing one.</param>
public readonly record struct InsertResult(JobRequest Job, bool Created);
