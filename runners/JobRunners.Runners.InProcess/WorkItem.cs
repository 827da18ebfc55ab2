namespace JobRunners.Runners.InProcess;

/// <summary>What travels through the channel: a job id, or a prepared task.</summary>
internal readonly record struct WorkItem(long JobId, PreparedTask? Task);
