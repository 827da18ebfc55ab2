using JobRunners.PostgreSql;

namespace JobRunners.Runners.PostgreSql;

/// <summary>A fetched row ready to run: a job (claimed by the executor when it runs) or a task row already claimed.</summary>
/// <param name="Row">The reserved row.</param>
/// <param name="ClaimedTask">For task rows: the row as claimed, running under this worker's lease.</param>
internal sealed record WorkItem(ReservedJob Row, JobRequest? ClaimedTask);
